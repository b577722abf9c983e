import { describe, expect, it } from 'vitest';
import { disclose } from '../../analytics/disclosure.ts';
import type { Meeting, MeetingMember } from '../../analytics/panel/meeting.ts';
import { panelMonitoring, type MonitorInputs } from '../../analytics/panel/monitoring.ts';
import type { DecisionEntry, DecisionInput } from '../../schemas/panel.ts';

const member = (id: string, age: number, sex: string, locality: string): MeetingMember => ({
  person_id: id, age, sex, locality, criteria: ['M1'], factors: [], score: 3, events: { police_crime: 2 }, last_event_date: null, seen: [],
});
const meeting = (date: string, members: MeetingMember[]): Meeting => ({ panel: 'city', date, recorded_by: 'city-panel', recorded_at: `${date}T10:00:00Z`, previous: null, members, left: [] });
const decided = (person: string, d: DecisionInput): DecisionEntry => ({ ...d, person_id: person, by: 'city-panel', at: `${d.meeting}T11:00:00Z` });

/** Tiny tables: eight children over two months, each count worked out by hand below. */
function inputs(maxSuppressed: number): MonitorInputs {
  const june = ['P-a1', 'P-a2', 'P-a3', 'P-a4', 'P-a5'].map((id, i) => member(id, 12 + i, i % 2 ? 'female' : 'male', 'leicester'));
  const july = [...june.slice(0, 3), member('P-b1', 16, 'male', 'leicester'), member('P-b2', 17, 'male', 'leicester'), member('P-b3', 10, 'female', 'leicester')];
  return {
    panel: 'city', maxSuppressed, supportTypes: ['reach', 'phoenix', 'camhs'], localities: ['leicester'], sexes: ['male', 'female', 'other'],
    meetings: [meeting('2025-06-30', june), meeting('2025-07-28', july)],
    decisions: {
      'P-a1': [decided('P-a1', { meeting: '2025-06-30', decision: 'refer_programme', programme: 'reach', consent: 'given' }),
        decided('P-a1', { meeting: '2025-07-28', decision: 'refer_programme', programme: 'reach', consent: 'given', outcome: 'engaged' })],
      'P-a2': [decided('P-a2', { meeting: '2025-06-30', decision: 'monitor' }),
        decided('P-a2', { meeting: '2025-07-28', decision: 'refer_service', service: 'camhs', consent: 'given' })],
      'P-a3': [decided('P-a3', { meeting: '2025-06-30', decision: 'no_action' })],
      'P-b1': [decided('P-b1', { meeting: '2025-07-28', decision: 'refer_programme', programme: 'phoenix', consent: 'given', outcome: 'completed' })],
      'P-b2': [decided('P-b2', { meeting: '2025-07-28', decision: 'refer_programme', programme: 'reach', consent: 'refused', outcome: 'declined' })],
    },
  };
}

describe('the monitoring return on tiny tables', () => {
  it('counts each child once, by month of meeting, as the analyst audience would see them', () => {
    const counted = panelMonitoring(inputs(0));
    const r = disclose({ ...counted, audience: 'analyst' }, 'none');
    expect(r.months.map((m) => [m.month, m.identified, m.reviewed, m.referred, m.engaged, m.completed])).toEqual([
      ['2025-06', 5, 3, 1, 0, 0],
      ['2025-07', 3, 4, 3, 1, 1],
    ]);
    expect(r.months[1].referred_by_support).toEqual({ reach: 1, phoenix: 1, camhs: 1 });
    // P-a2 identified 30 June, referred 28 July: 28 days; P-b1 and P-b2 the day they were listed.
    expect(r.months.map((m) => m.median_days_to_referral)).toEqual([0, 0]);
    expect(r.all).toMatchObject({ identified: 8, referred: 4, engaged: 1, completed: 1, referred_by_support: { reach: 2, phoenix: 1, camhs: 1 } });
    expect(r.reached.age_band).toEqual({ '10-13': 2, '14-15': 0, '16-17': 2 });
    expect(r.reached.sex).toEqual({ male: 3, female: 1, other: 0, not_recorded: 0 });
  });

  it('withholds small counts and any count that would give one away, for every audience', () => {
    const r = disclose(panelMonitoring(inputs(2)), 'none');
    // 1 and 2 are withheld; zeros are shown.
    expect(r.months[0]).toMatchObject({ identified: 5, referred: null, engaged: 0, completed: 0, median_days_to_referral: null });
    expect(r.all.referred_by_support.phoenix).toBeNull();
    // A withheld support type cannot be found by subtracting the others from the total.
    const types = Object.values(r.all.referred_by_support);
    expect(types.filter((n) => n === null).length === 0 || r.all.referred === null || types.filter((n) => n === null).length >= 2).toBe(true);
    for (const b of ['age_band', 'sex'] as const) {
      const hidden = Object.values(r.reached[b]).filter((n) => n === null).length;
      expect(hidden === 0 || hidden >= 2 || r.all.referred === null).toBe(true);
    }
  });
});
