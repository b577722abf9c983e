import { VIOLENCE_WEEKDAY, ageOn, hhmm, isoDate, isoDatetime, season, weekday, yearsSince } from '../calendar.ts';
import { HOURS, dailyMeans, minuteOfDay, renderIdentity, type Ctx } from '../context.ts';
import { byDay, type AdmissionEvent, type AeEvent } from '../events.ts';
import type { Person } from '../people.ts';
import { Rng, Weighted } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { CRIMES_PER_YEAR, KNIFE_TREND } from './police.ts';

/**
 * ae_attendance (the emergency department: violence-related attendances, ISTV + ECDS) and hospital_admission (SUS/HES), in one
 * pass: some attendances lead to an admission of the same patient that day; the other admissions came through
 * other routes. Sharp-object injuries fall about 6.5% a year.
 */

const MEANS = Weighted.of({ knife_or_sharp: 12, blunt_object: 10, glass_or_bottle: 6, body_part: 45, firearm: 0.3, other: 10, unknown: 17 });
const LOCATIONS = Weighted.of({ public_place: 40, dwelling: 25, licensed_premises: 12, education: 3, other: 8, unknown: 12 });
const METHODS = Weighted.of({ '21': 70, '22': 8, '23': 3, '24': 4, '28': 4, '2A': 3, '2B': 1, '2D': 1, '11': 2, '12': 1.5, '13': 0.5, '81': 2 });

/** External causes: assault X85–Y09 (X99 sharp object), and the non-assault sharp-object codes that must not count. */
const CAUSES = Weighted.of({ Y04: 40, X99: 18, Y00: 12, Y08: 8, Y09: 10, X95: 0.5, Y05: 1, Y07: 3, W25: 6, W26: 4, X78: 4, Y28: 1.5 });
const SHARP_INJURY = ['S21.1', 'S31.1', 'S41.1', 'S51.8', 'S61.9', 'S71.1', 'S01.8', 'S11.8', 'S81.8'];
const BLUNT_INJURY = ['S02.6', 'S06.0', 'S00.8', 'S01.8', 'S02.4', 'S22.3', 'S42.0', 'S02.3', 'S62.3'];
const SHARP_CAUSES = new Set(['X99', 'W25', 'W26', 'X78', 'Y28']);

const DESCRIPTIONS = [
  'Outside nightclub, town centre', 'Home address', 'Bus station, Haymarket', 'Park, near the play area', 'Pub car park',
  'Friend\'s house', 'Street, walking home', 'School gates, after school', 'Takeaway, Narborough Road', 'Not disclosed',
  'Garage forecourt', 'Canal towpath, by the bridge', 'Shopping centre, level 2', 'Taxi rank', 'At a party, address not given',
  'Said "jumped by a group", Clock Tower', 'Football ground, outside', '', '', '',
];

function causeCodes(rng: Rng, cause: string): string {
  const place = SHARP_CAUSES.has(cause) || cause.startsWith('Y0') || cause.startsWith('X9') ? `.${rng.pick([0, 0, 4, 4, 4, 8, 9])}` : '';
  const external = `${cause}${place}`;
  const injury = rng.pick(SHARP_CAUSES.has(cause) ? SHARP_INJURY : BLUNT_INJURY);
  const r = rng.next();
  if (r < 0.8) return `${injury};${external}`;
  if (r < 0.88) return `${external};${injury}`;
  if (r < 0.93) return `${injury}; ${external}`;
  if (r < 0.97) return `${injury};${external}`.replace(/\./g, '');
  return `${injury};${rng.pick(BLUNT_INJURY)};${external}`;
}

/** The external cause of an admission that follows an attendance, by its means of assault. */
const causeOfMeans = (rng: Rng, means: string): string =>
  means === 'knife_or_sharp' ? 'X99' : means === 'blunt_object' ? 'Y00' : means === 'glass_or_bottle' ? rng.pick(['X99', 'Y08'])
    : means === 'body_part' ? 'Y04' : means === 'firearm' ? 'X95' : means === 'other' ? 'Y08' : 'Y09';

function drawPatient(ctx: Ctx, rng: Rng, on: number): Person {
  const r = rng.next();
  const p = r < 0.18 ? ctx.population.draw(rng, 'youth', on, 10, 24)
    : r < 0.58 ? ctx.population.draw(rng, 'adult', on, 16, 80)
      : ctx.population.draw(rng, 'general', on, 10, 90);
  return p ?? ctx.population.draw(rng, 'adult', on, 16, 90) ?? ctx.population.get(ctx.population.sizes.youth);
}

function makeAttendance(ctx: Ctx, rng: Rng, d: number): AeEvent {
  let means = MEANS.pick(rng);
  if (means === 'knife_or_sharp' && !rng.chance(KNIFE_TREND ** yearsSince(d, ctx.from))) means = 'body_part';
  const minute = minuteOfDay(rng, HOURS.violence);
  // Arrivals in the small hours were often assaulted the evening before.
  const early = minute < 6 * 60 && rng.chance(0.6);
  const incidentDay = early ? d - 1 : d;
  const incidentMinute = rng.chance(0.6) ? (early ? rng.range(20 * 60, 24 * 60 - 1) : Math.max(0, minute - rng.range(10, 180))) : null;
  return {
    day: d, minute, incidentDay, incidentMinute, locationType: LOCATIONS.pick(rng),
    incidentPostcode: rng.chance(0.45) ? ctx.places.locationPostcode(rng, ctx.places.incidence.pick(rng)) : '',
    means, patient: drawPatient(ctx, rng, incidentDay),
    admitted: rng.chance(means === 'knife_or_sharp' || means === 'blunt_object' || means === 'firearm' ? 0.35 : 0.08),
  };
}

function makeAdmission(ctx: Ctx, rng: Rng, d: number): AdmissionEvent {
  let cause = CAUSES.pick(rng);
  if (cause === 'X99' && !rng.chance(KNIFE_TREND ** yearsSince(d, ctx.from))) cause = 'Y04';
  // Self-harm comes in as an emergency; the rest mostly too, with a few elective and transfer admissions.
  return { day: d, method: cause === 'X78' ? '21' : METHODS.pick(rng), causes: causeCodes(rng, cause), patient: drawPatient(ctx, rng, d) };
}

export async function generateHealth(ctx: Ctx, sinks: { ae: Sink | null; admissions: Sink | null }): Promise<void> {
  const years = (ctx.to - ctx.from + 1) / 365.25;
  const shape = (d: number) => season(d, 0.15) * VIOLENCE_WEEKDAY[weekday(d)];
  const aeMeans = dailyMeans(ctx.from, ctx.to, 0.04 * CRIMES_PER_YEAR * years * ctx.scale, shape);
  // About one in eight attendances leads to an admission; the rest of the admissions come by other routes.
  const otherMeans = dailyMeans(ctx.from, ctx.to, 0.015 * CRIMES_PER_YEAR * years * ctx.scale, shape);
  const plantedAe = byDay(ctx.planted.ae, (e) => e.day);
  const plantedAdmissions = byDay(ctx.planted.admissions, (e) => e.day);
  let aeSeq = 0, admissionSeq = 0;
  for (let d = ctx.from; d <= ctx.to; d++) {
    const rng = new Rng(ctx.seed, 'ae-day', d);
    const hrng = new Rng(ctx.seed, 'admission-day', d);
    const attendances = Array.from({ length: rng.poisson(aeMeans[d - ctx.from]) }, () => makeAttendance(ctx, rng, d));
    attendances.push(...(plantedAe.get(d) ?? []));
    const admissions: AdmissionEvent[] = [];
    for (const a of attendances) {
      if (a.admitted) admissions.push({ day: d, method: hrng.chance(0.9) ? '21' : '28', causes: causeCodes(hrng, causeOfMeans(hrng, a.means)), patient: a.patient });
    }
    const others = hrng.poisson(otherMeans[d - ctx.from]);
    for (let i = 0; i < others; i++) admissions.push(makeAdmission(ctx, hrng, d));
    admissions.push(...(plantedAdmissions.get(d) ?? []));

    if (sinks.ae) {
      for (const a of attendances) {
        aeSeq++;
        const ref = `UHL-ED-${isoDate(d).slice(0, 4)}-${String(aeSeq).padStart(6, '0')}`;
        const prng = new Rng(ctx.seed, 'ae-row', aeSeq);
        const p = a.patient;
        const planted = p.pool === 'planted';
        const id = renderIdentity(prng, p, d, 'health', { name: 0.9, dob: 0.8, postcode: 0.85, sexUnknown: 0.02 });
        let description = prng.pick(DESCRIPTIONS);
        // Free text with a line break now and then (always the tenth attendance, so every sample has one).
        if (aeSeq % 97 === 10) description = `${description || 'Outside'}\nno further details`;
        await sinks.ae.write({
          attendance_id: ref, arrival_at: isoDatetime(d, a.minute), incident_date: prng.chance(0.9) ? isoDate(a.incidentDay) : '',
          incident_time: a.incidentMinute === null ? '' : hhmm(a.incidentMinute), incident_location_type: a.locationType,
          incident_postcode: a.incidentPostcode, location_description: description, means_of_assault: a.means,
          nhs_number: (planted || prng.chance(0.78)) && p.nhsNumber ? p.nhsNumber : '',
          forename: id.forename, surname: id.surname, date_of_birth: id.dob,
          age: id.dob || !prng.chance(0.95) ? '' : String(ageOn(p.dob, d)), sex: id.sex, home_postcode: id.postcode,
        }, { ref, who: p });
      }
    }
    if (sinks.admissions) {
      for (const a of admissions) {
        admissionSeq++;
        const ref = `APC${isoDate(d).slice(0, 4)}${String(admissionSeq).padStart(7, '0')}`;
        const prng = new Rng(ctx.seed, 'admission-row', admissionSeq);
        const p = a.patient;
        const planted = p.pool === 'planted';
        const id = renderIdentity(prng, p, d, 'health', { name: 0, dob: 0.9, postcode: 0.92 });
        await sinks.admissions.write({
          admission_id: ref, admission_date: isoDate(d), admission_method: a.method, cause_codes: a.causes,
          nhs_number: (planted || prng.chance(0.96)) && p.nhsNumber ? p.nhsNumber : '', date_of_birth: id.dob,
          age: id.dob || !prng.chance(0.95) ? '' : String(ageOn(p.dob, d)), sex: id.sex, home_postcode: id.postcode, lsoa_code: '',
        }, { ref, who: p });
      }
    }
  }
}
