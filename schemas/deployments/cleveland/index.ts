import agreement from './agreement.json' with { type: 'json' };
import area from './area.json' with { type: 'json' };
import boundaries from './boundaries.json' with { type: 'json' };
import E06000001 from './boundaries/E06000001.geo.json' with { type: 'json' };
import E06000002 from './boundaries/E06000002.geo.json' with { type: 'json' };
import E06000003 from './boundaries/E06000003.geo.json' with { type: 'json' };
import E06000004 from './boundaries/E06000004.geo.json' with { type: 'json' };
import cohort from './cohort.json' with { type: 'json' };
import names from './names.json' with { type: 'json' };
import programmes from './programmes.json' with { type: 'json' };
import sample from './sample.json' with { type: 'json' };
import users from './users.json' with { type: 'json' };

/** Cleveland (the Cleveland Unit for the Reduction of Violence): the bundle's files, parsed and cross-checked by loadDeployment('cleveland'). */
export const cleveland = { name: 'cleveland', names, area, agreement, cohort, programmes, users, boundaries, geometry: { E06000001, E06000002, E06000003, E06000004 }, sample };
