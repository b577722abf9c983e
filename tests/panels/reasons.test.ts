import { describe, expect, it } from 'vitest';
import { legend, reasonsFor } from '../../analytics/panel/reasons.ts';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import type { CohortRules } from '../../schemas/cohort.ts';

const member = { criteria: ['M1', 'M2'], factors: ['D2', 'D4', 'D5'], events: { police_crime: 3, asb_incident: 2, ae_attendance: 1, school_exclusion: 4 }, last_event_date: '2025-08-14' };

describe('reasons in words, from the rules', () => {
  it.each(['llr', 'cleveland'])('%s: the legend and each reason follow the bundle\'s cohort.json', (name) => {
    const rules = loadDeployment(name).cohort;
    const l = legend(rules);
    expect(l.criteria.map((c) => [c.code, c.weight])).toEqual(Object.entries(rules.weights));
    expect(l.criteria[0].words).toBe(`suspect or offender in ${rules.m1MinCrimes} or more crimes in the last ${rules.windowMonths} months`);
    expect(reasonsFor(member, rules)).toEqual([
      `M1: Suspect or offender in ${rules.m1MinCrimes} or more crimes in the last ${rules.windowMonths} months (police records of 3 crimes in the last ${rules.windowMonths} months, in any role)`,
      `M2: Perpetrator in 2 anti-social behaviour incidents in the last ${rules.windowMonths} months`,
      `D2: 1 A&E attendance in the last ${rules.windowMonths} months`,
      `D4: 4 suspensions or exclusions in the last ${rules.windowMonths} months, ${rules.d4MinSuspensions} or more of them suspensions`,
      'D5: Open to early help on the date of the list',
      'Latest event 14 August 2025',
    ]);
  });

  it('changes with the rules: another window, threshold and weight', () => {
    const rules: CohortRules = { ...loadDeployment('llr').cohort, windowMonths: 6, m1MinCrimes: 3, weights: { ...loadDeployment('llr').cohort.weights, M1: 5 } };
    expect(legend(rules).criteria[0]).toEqual({ code: 'M1', kind: 'mandatory', words: 'suspect or offender in 3 or more crimes in the last 6 months', weight: 5 });
  });
});
