import { describe, expect, it } from 'vitest';
import { authorise, type AccessRequest } from '../../functions/api/authorise.ts';
import { agreement, localUsers } from '../deployments.ts';

const user = (id: string) => {
  const found = localUsers.find((u) => u.id === id);
  if (!found) throw new Error(`no local user ${id}`);
  return found;
};

// [user, action, scope, allowed]
const cases: [string, AccessRequest['action'], AccessRequest['scope'], boolean][] = [
  ['police-uploader', 'upload.create', { partner: 'leicestershire-police', dataset: 'police_crime' }, true],
  ['police-uploader', 'upload.create', { partner: 'leicestershire-police', dataset: 'school_exclusion' }, false],
  ['police-uploader', 'upload.create', { partner: 'leicester-city-council', dataset: 'asb_incident' }, false],
  ['city-education-uploader', 'upload.create', { partner: 'leicester-city-council', dataset: 'school_exclusion' }, true],
  ['city-education-uploader', 'upload.create', { partner: 'leicester-city-council', dataset: 'police_crime' }, false],
  ['vrn-analyst', 'upload.create', { partner: 'leicestershire-police', dataset: 'police_crime' }, false],
  ['police-uploader', 'upload.read', { partner: 'leicestershire-police' }, true],
  ['police-uploader', 'upload.read', { partner: 'uhl' }, false],
  ['city-education-uploader', 'upload.read', { partner: 'leicestershire-police' }, false],
  ['vrn-analyst', 'upload.read', { partner: 'leicestershire-police' }, true],
  ['admin', 'upload.read', { partner: 'leicestershire-police' }, false],
  ['vrn-analyst', 'measures.read', {}, true],
  ['charnwood-csp', 'measures.read', {}, true],
  ['performance-lead', 'measures.read', {}, true],
  ['city-panel', 'measures.read', {}, false],
  ['police-uploader', 'measures.read', {}, false],
  ['admin', 'measures.read', {}, false],
  ['charnwood-csp', 'profile.read', { locality: 'charnwood', audience: 'csp' }, true],
  ['charnwood-csp', 'profile.read', { locality: 'charnwood', audience: 'analyst' }, false],
  ['charnwood-csp', 'profile.read', { locality: 'leicester', audience: 'csp' }, false],
  ['vrn-analyst', 'profile.read', { locality: 'leicester', audience: 'analyst' }, true],
  ['performance-lead', 'profile.read', { locality: 'leicester', audience: 'csp' }, false],
  ['city-panel', 'cohort.read', { panel: 'city' }, true],
  ['city-panel', 'cohort.read', { panel: 'county' }, false],
  ['county-panel', 'cohort.read', { panel: 'county' }, true],
  ['vrn-analyst', 'cohort.read', { panel: 'city' }, true],
  ['charnwood-csp', 'cohort.read', { panel: 'county' }, false],
  ['city-panel', 'cohort.reidentify', { panel: 'city', partner: 'leicester-city-council' }, true],
  ['city-panel', 'cohort.reidentify', { panel: 'city', partner: 'leicestershire-police' }, false],
  ['city-panel', 'cohort.reidentify', { panel: 'county', partner: 'leicester-city-council' }, false],
  ['vrn-analyst', 'cohort.reidentify', { panel: 'city', partner: 'vrn' }, false],
  ['admin', 'cohort.reidentify', { panel: 'city' }, false],
  ['vrn-analyst', 'deep-dive.read', {}, true],
  ['charnwood-csp', 'deep-dive.read', {}, false],
  ['vrn-analyst', 'query.run', {}, true],
  ['performance-lead', 'query.run', {}, false],
  ['admin', 'query.run', {}, false],
  ['admin', 'audit.read', {}, true],
  ['vrn-analyst', 'audit.read', {}, false],
];

describe('authorise: the policy decides every request', () => {
  it.each(cases)('%s %s %j → %s', (id, action, scope, allowed) => {
    const decision = authorise(user(id), { action, scope }, agreement);
    expect(decision.allowed).toBe(allowed);
    if (!decision.allowed) expect(decision.reason).toMatch(/\w/);
  });

  it('refuses a scoped rule when the user lacks the attribute it ties to', () => {
    const decision = authorise({ id: 'odd', role: 'csp_officer' }, { action: 'profile.read', scope: { locality: 'charnwood', audience: 'csp' } }, agreement);
    expect(decision).toEqual({ allowed: false, reason: 'locality charnwood is outside this user\'s locality' });
  });

  it('refuses re-identification to a coordinator with no organisation', () => {
    const decision = authorise({ id: 'odd', role: 'panel_coordinator', panel: 'city' }, { action: 'cohort.reidentify', scope: { panel: 'city' } }, agreement);
    expect(decision).toEqual({ allowed: false, reason: 'partner (none) is outside this user\'s organisation' });
  });

  it('says why a role may not act at all', () => {
    expect(authorise(user('admin'), { action: 'measures.read', scope: {} }, agreement)).toEqual({ allowed: false, reason: 'role admin may not measures.read' });
  });
});
