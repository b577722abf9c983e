import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deploymentFromEnv } from '../../functions/platform/deployment.ts';
import { roles } from '../../schemas/access.ts';
import { DeploymentError, deploymentNames, loadDeployment, parseDeployment, type DeploymentFiles } from '../../schemas/deployments/index.ts';
import { llr } from '../../schemas/deployments/llr/index.ts';

const root = new URL('../../', import.meta.url).pathname;

/** The LLR bundle's files with one change made by `edit`, and the problems its load reports. */
function problemsOf(edit: (files: any) => void): string[] {
  const files = structuredClone(llr) as any;
  edit(files);
  try {
    parseDeployment('broken', files as DeploymentFiles);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentError);
    return (error as DeploymentError).problems;
  }
  throw new Error('the broken bundle loaded');
}

describe('deployment bundles', () => {
  it('load by name: llr by default, cleveland by VRN_DEPLOYMENT, an unknown name refused with the known ones', () => {
    expect(deploymentNames).toEqual(['cleveland', 'llr']);
    expect(deploymentFromEnv({}).name).toBe('llr');
    expect(deploymentFromEnv({ VRN_DEPLOYMENT: 'cleveland' }).area.localities.map((l) => l.slug))
      .toEqual(['hartlepool', 'middlesbrough', 'redcar-and-cleveland', 'stockton-on-tees']);
    expect(() => deploymentFromEnv({ VRN_DEPLOYMENT: 'atlantis' })).toThrow('unknown deployment "atlantis" (VRN_DEPLOYMENT); known deployments: cleveland, llr');
  });

  it.each(deploymentNames)('%s: describes every role of schemas/access.ts, and its users sign in with them', (name) => {
    const d = loadDeployment(name);
    expect(Object.keys(d.agreement.roles).sort()).toEqual([...roles].sort());
    expect(new Set(d.users.map((u) => u.role))).toEqual(new Set(roles));
  });

  it('cleveland: the four unitary authorities with their ONS codes and Census 2021 populations, TS postcodes, two panels', () => {
    const { area, names } = loadDeployment('cleveland');
    expect(area.localities.map((l) => [l.slug, l.onsCode, l.population, l.panel])).toEqual([
      ['hartlepool', 'E06000001', 92_300, 'north-tees'], ['middlesbrough', 'E06000002', 143_900, 'south-tees'],
      ['redcar-and-cleveland', 'E06000003', 136_500, 'south-tees'], ['stockton-on-tees', 'E06000004', 196_600, 'north-tees'],
    ]);
    expect(Object.keys(area.districts).every((d) => /^TS\d+$/.test(d))).toBe(true);
    expect(names.vru).toBe('Cleveland Unit for the Reduction of Violence');
  });

  it.each(deploymentNames)("%s: each locality's boundaries file holds the LSOAs the bundle lists, as closed polygons, and the lookup places each", (name) => {
    const d = loadDeployment(name);
    expect(d.boundaries.attribution).toMatch(/CC BY 4\.0.*Crown copyright and database right/);
    for (const locality of d.area.localities) {
      const geojson = JSON.parse(readFileSync(`${root}schemas/deployments/${name}/boundaries/${locality.onsCode}.geo.json`, 'utf8'));
      expect(geojson.type).toBe('FeatureCollection');
      const codes = geojson.features.map((f: { properties: { lsoa: string } }) => f.properties.lsoa);
      expect(codes, locality.slug).toEqual(d.boundaries.lsoas[locality.onsCode]);
      for (const feature of geojson.features) {
        const polygons = feature.geometry.type === 'Polygon' ? [feature.geometry.coordinates] : feature.geometry.coordinates;
        expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
        for (const ring of polygons.flat()) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
        }
      }
      for (const code of codes) expect(d.area.lsoas[code]).toBe(locality.slug);
    }
  });

  it('the bundles and the generator never read from outside the repository', () => {
    const files = execFileSync('git', ['ls-files', 'schemas/deployments', 'sample-data/generator'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(readFileSync(`${root}${file}`, 'utf8'), file).not.toMatch(/\.\.\/shared|\/work\/shared/);
  });
});

describe('a broken bundle is refused at load, naming each problem', () => {
  it('a role the agreement does not describe, or one schemas/access.ts does not have', () => {
    expect(problemsOf((f) => { delete f.agreement.roles.analyst; })).toEqual(['agreement: role analyst (schemas/access.ts) is not described']);
    expect(problemsOf((f) => { f.agreement.roles.superuser = 'everything'; }))
      .toEqual([`agreement: role superuser is not a role of schemas/access.ts (${roles.join(', ')})`]);
  });

  it("a partner's dataset that does not exist, and a threshold for one", () => {
    expect(problemsOf((f) => { f.agreement.partners[1].datasets.push('ambulance_call'); })).toEqual(['agreement: partner uhl: unknown dataset ambulance_call']);
    expect(problemsOf((f) => { f.agreement.disclosure.maxSuppressedByDataset.ambulance_call = 7; }))
      .toEqual(['agreement: disclosure threshold for unknown dataset ambulance_call']);
  });

  it('a locality with no boundaries, or no population', () => {
    expect(problemsOf((f) => { delete f.boundaries.lsoas.E07000133; }))
      .toEqual(['area: locality melton (E07000133) has no boundaries (boundaries/E07000133.geo.json)']);
    expect(problemsOf((f) => { delete f.area.localities[5].population; }))
      .toEqual(['area: localities[5] (melton).population: Invalid input: expected number, received undefined']);
    expect(problemsOf((f) => { f.boundaries.lsoas.E07000133.push(f.boundaries.lsoas.E07000130[0]); }))
      .toEqual([
        'geometry: boundaries/E07000133.geo.json does not hold exactly the LSOAs boundaries.json lists for melton (30 polygons, 31 listed)',
        `boundaries: LSOA ${llr.boundaries.lsoas.E07000130[0]} is in both E07000130 and E07000133`,
      ]);
    expect(problemsOf((f) => { f.geometry.E07000133.features.pop(); }))
      .toEqual(['geometry: boundaries/E07000133.geo.json does not hold exactly the LSOAs boundaries.json lists for melton (29 polygons, 30 listed)']);
  });

  it("a panel's locality that does not exist, a panel with none, a panel run by no partner", () => {
    expect(problemsOf((f) => { f.area.localities[5].panel = 'melton-panel'; })).toEqual(['area: locality melton: unknown panel melton-panel']);
    expect(problemsOf((f) => { for (const l of f.area.localities) l.panel = 'city'; delete f.sample.plantedLocalities.county; }))
      .toEqual(['area: panel county has no localities']);
    expect(problemsOf((f) => { f.area.panels[0].runBy = 'leicester-council'; }))
      .toEqual(['area: panel city is run by leicester-council, not a partner of the agreement']);
    expect(problemsOf((f) => { f.area.districts.LE99 = 'leicester-west'; })).toEqual(['area: districts.LE99: unknown locality leicester-west']);
  });

  it("a local user of an unknown locality, or without the scope the role needs", () => {
    expect(problemsOf((f) => { f.users.find((u: { id: string }) => u.id === 'charnwood-csp').locality = 'charnwood-north'; }))
      .toEqual(['users: user charnwood-csp: unknown locality charnwood-north']);
    expect(problemsOf((f) => { delete f.users.find((u: { id: string }) => u.id === 'city-panel').panel; }))
      .toEqual(['users: user city-panel: a panel_coordinator needs a panel']);
  });

  it('a programme delivered by no partner, listed twice, or with its ages the wrong way round', () => {
    expect(problemsOf((f) => { f.programmes[1].deliveredBy = 'phoenix-trust'; }))
      .toEqual(['programmes: programme phoenix is delivered by phoenix-trust, not a partner of the agreement']);
    expect(problemsOf((f) => { f.programmes.push({ ...f.programmes[0] }); })).toEqual(['programmes: programme vip is listed twice']);
    expect(problemsOf((f) => { f.programmes[2].ageFrom = 30; })).toEqual(['programmes: [2] (reach): ageFrom is after ageTo']);
  });

  it("the sample's partners and councils must be the agreement's, covering every locality", () => {
    expect(problemsOf((f) => { f.sample.partners.police = 'uhl'; })).toEqual(['sample: police uhl does not share police_crime']);
    expect(problemsOf((f) => { f.sample.councils[2].localities = ['melton']; })).toEqual([
      'sample: locality melton has two councils (leicestershire-county-council, rutland-county-council)', 'sample: locality rutland has no council',
    ]);
  });

  it('every problem at once, one a line', () => {
    const files = structuredClone(llr) as any;
    delete files.agreement.roles.admin;
    delete files.boundaries.lsoas.E06000017;
    expect(() => parseDeployment('broken', files)).toThrow('deployment "broken" is not valid:\n'
      + '  - agreement: role admin (schemas/access.ts) is not described\n'
      + '  - area: locality rutland (E06000017) has no boundaries (boundaries/E06000017.geo.json)');
  });
});
