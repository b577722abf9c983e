import { onwardReferralKinds } from '../../schemas/datasets/programme-delivery.ts';
import type { Programme } from '../../schemas/programmes.ts';
import { ageOn } from './calendar.ts';
import { homeOn, type Person, type Population } from './people.ts';
import { Rng, Weighted } from './rng.ts';

/**
 * Who the programmes took on, decided before any contact is generated: young people at risk are referred
 * (about one in seven), most start, and starting has a known effect. In the
 * {@link EFFECT_MONTHS} months from a start, each suspect/offender and ASB-perpetrator contact the person would
 * have had is averted with probability {@link PLANTED_EFFECT}: an outcome estimate should recover a fall of that
 * share in those contacts (tests/analytics/programme-outcomes.test.ts).
 */
export const PLANTED_EFFECT = 0.4;
export const EFFECT_MONTHS = 12;

export interface Referral {
  person: Person;
  programme: Programme;
  strand: string;
  partner: string;
  referral: number;
  source: string;
  start: number | null;
  end: number | null;
  exit: string;
  offered: number;
  attended: number;
  onward: Record<string, number>;
  pre: number | null;
  post: number | null;
}

const EXITS = Weighted.of({ completed: 40, good_progress: 26, disengaged: 17, moved_away: 5, entered_custody: 5, other: 7 });
const ONWARD_MEAN: Record<string, number> = {
  education_training_employment: 0.5, mental_health: 0.3, substance_misuse: 0.15, housing: 0.1, family_support: 0.25, positive_activities: 0.4, other: 0.1,
};

export class Delivery {
  readonly referrals: Referral[] = [];
  private readonly started = new Map<number, number>();

  constructor(seed: number, from: number, to: number, population: Population, programmes: Programme[]) {
    const youth = population.sizes.youth;
    for (let i = 0; i < youth; i++) {
      const rng = new Rng(seed, 'programme-referral', i);
      // About one in seven young people at risk, whatever their involvement: selection the records do not show would
      // bias any comparison, and the planted effect is to be recovered by one (the caveats of the outcomes say so).
      if (!rng.chance(0.15)) continue;
      const person = population.get(i);
      const referral = from + rng.int(Math.max(1, to - from - 30));
      const age = ageOn(person.dob, referral);
      const fits = programmes.filter((p) => age >= p.ageFrom && age <= p.ageTo);
      if (!fits.length || !homeOn(person, referral).locality) continue;
      this.referrals.push(refer(rng, person, fits[rng.int(fits.length)], referral, to));
    }
    this.referrals.sort((a, b) => a.referral - b.referral || a.person.index - b.person.index);
    for (const r of this.referrals) if (r.start !== null) this.started.set(r.person.index, r.start);
  }

  /** Whether the programme averts this person's contact on this day (the planted effect). */
  averts(seed: number, person: Person, on: number): boolean {
    const start = this.started.get(person.index);
    if (start === undefined || on < start || on >= start + Math.round(EFFECT_MONTHS * 30.44)) return false;
    return new Rng(seed, 'programme-averted', person.index, on).chance(PLANTED_EFFECT);
  }
}

function refer(rng: Rng, person: Person, programme: Programme, referral: number, to: number): Referral {
  const source = rng.pick(programme.referralRoutes);
  const strand = programme.strands.length ? (programme.strands.find((s) => s.id === source) ?? rng.pick(programme.strands)).id : '';
  const starts = rng.chance(0.82);
  const start = starts ? referral + rng.range(2, 45) : null;
  const began = start !== null && start <= to ? start : null;
  const length = rng.range(30, 240);
  const end = began !== null && began + length <= to ? began + length : null;
  const exit = end === null ? '' : EXITS.pick(rng);
  const offered = began === null ? 0 : Math.max(1, Math.round(length / 7) + rng.range(-2, 4));
  const rate = exit === 'disengaged' ? 0.35 : exit === 'completed' || exit === 'good_progress' ? 0.85 : 0.65;
  let attended = 0;
  for (let s = 0; s < offered; s++) if (rng.chance(rate)) attended++;
  const onward = Object.fromEntries(onwardReferralKinds.map((k) => [k, began === null ? 0 : rng.poisson(ONWARD_MEAN[k])]));
  const m = programme.measure;
  const pre = m && began !== null ? clamp(Math.round(m.min + (m.max - m.min) * (0.45 + 0.15 * rng.normal())), m.min, m.max) : null;
  const better = m?.better === 'lower' ? -1 : 1;
  const post = m && pre !== null && end !== null && exit !== 'disengaged' ? clamp(Math.round(pre + better * (3 + 3 * rng.normal())), m.min, m.max) : null;
  return { person, programme, strand, partner: programme.deliveredBy, referral, source, start: began, end, exit, offered, attended, onward, pre, post };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
