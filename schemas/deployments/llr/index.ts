import agreement from './agreement.json' with { type: 'json' };
import area from './area.json' with { type: 'json' };
import boundaries from './boundaries.json' with { type: 'json' };
import E06000016 from './boundaries/E06000016.geo.json' with { type: 'json' };
import E06000017 from './boundaries/E06000017.geo.json' with { type: 'json' };
import E07000129 from './boundaries/E07000129.geo.json' with { type: 'json' };
import E07000130 from './boundaries/E07000130.geo.json' with { type: 'json' };
import E07000131 from './boundaries/E07000131.geo.json' with { type: 'json' };
import E07000132 from './boundaries/E07000132.geo.json' with { type: 'json' };
import E07000133 from './boundaries/E07000133.geo.json' with { type: 'json' };
import E07000134 from './boundaries/E07000134.geo.json' with { type: 'json' };
import E07000135 from './boundaries/E07000135.geo.json' with { type: 'json' };
import cohort from './cohort.json' with { type: 'json' };
import names from './names.json' with { type: 'json' };
import programmes from './programmes.json' with { type: 'json' };
import sample from './sample.json' with { type: 'json' };
import users from './users.json' with { type: 'json' };

/** Leicester, Leicestershire and Rutland: the bundle's files, parsed and cross-checked by loadDeployment('llr'). */
export const llr = { name: 'llr', names, area, agreement, cohort, programmes, users, boundaries, geometry: { E06000016, E06000017, E07000129, E07000130, E07000131, E07000132, E07000133, E07000134, E07000135 }, sample };
