import { onwardReferralKinds } from '../../../schemas/datasets/programme-delivery.ts';
import { isoDate } from '../calendar.ts';
import { renderIdentity, type Ctx } from '../context.ts';
import { Rng } from '../rng.ts';
import type { Sink } from '../sink.ts';

/**
 * programme_delivery: each provider's caseload (the referrals of ctx.delivery to the programmes it delivers), one
 * row per referral in order of referral. Providers know names, birth dates and postcodes; some an NHS number.
 */
export async function generateDelivery(ctx: Ctx, sinks: Map<string, Sink>): Promise<void> {
  const seqs = new Map<string, number>();
  for (const r of ctx.delivery.referrals) {
    const sink = sinks.get(r.partner);
    if (!sink) continue;
    const seq = (seqs.get(r.partner) ?? 0) + 1;
    seqs.set(r.partner, seq);
    const ref = `${r.programme.id.toUpperCase()}-${String(seq).padStart(6, '0')}`;
    const rng = new Rng(ctx.seed, `delivery-row:${r.partner}`, seq);
    const id = renderIdentity(rng, r.person, r.referral, 'vrn', { name: 0.98, dob: 0.97, postcode: 0.92 });
    const n = (v: number | null) => (v === null ? '' : String(v));
    await sink.write({
      referral_id: ref, programme: r.programme.id, strand: r.strand,
      nhs_number: rng.chance(0.3) && r.person.nhsNumber ? r.person.nhsNumber : '', upn: rng.chance(0.2) && r.person.upn ? r.person.upn : '',
      forename: id.forename, surname: id.surname, date_of_birth: id.dob, sex: id.sex, home_postcode: id.postcode,
      referral_date: isoDate(r.referral), referral_source: r.source,
      start_date: r.start === null ? '' : isoDate(r.start), end_date: r.end === null ? '' : isoDate(r.end), exit_reason: r.exit,
      sessions_offered: r.start === null ? '' : String(r.offered), sessions_attended: r.start === null ? '' : String(r.attended),
      ...Object.fromEntries(onwardReferralKinds.map((k) => [`onward_${k}`, r.start === null ? '' : String(r.onward[k])])),
      pre_score: n(r.pre), post_score: n(r.post),
    }, { ref, who: r.person });
  }
}
