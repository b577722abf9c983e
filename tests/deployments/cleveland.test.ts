import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { localityProfile } from '../../analytics/products/locality-profile.ts';
import { successMeasures } from '../../analytics/products/success-measures.ts';
import { createApp } from '../../functions/api/app.ts';
import { localAppOptions } from '../../functions/api/local-server.ts';
import { COMMITTED_SAMPLE, loadDeploymentSample } from '../../functions/ingest/sample-loader.ts';
import { markDataDir } from '../../functions/platform/local.ts';
import type { IngestReport } from '../../functions/ingest/report.ts';
import { generateSample } from '../../sample-data/generator/index.ts';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import { onBothEngines } from '../analytics/engines.ts';
import { plantedMembership } from '../analytics/planted.ts';
import { vrnInProcess } from '../cli/in-process.ts';
import { sql, testPlatform } from '../helpers.ts';

/**
 * The second deployment, by configuration only: VRN_DEPLOYMENT=cleveland gives an empty data dir a sample generated
 * for Cleveland's partners, localities, postcodes and LSOAs, and the products answer for it through the CLI's own
 * path (in this process) and on both engines.
 */
const cleveland = loadDeployment('cleveland');
const SERIOUS_VIOLENCE = "('homicide','attempted_murder','threats_to_kill','assault_with_intent_serious_harm','assault_with_injury','robbery_personal','robbery_business','rape','other_sexual_offence')";
const saved = process.env.VRN_DEPLOYMENT;
let t: ReturnType<typeof testPlatform>;
let reports: IngestReport[];
let sampleDir: string;
const vrn = (...args: string[]) => vrnInProcess(...args, '--data-dir', t.dir);

beforeAll(async () => {
  process.env.VRN_DEPLOYMENT = 'cleveland';
  t = testPlatform();
  reports = await loadDeploymentSample(t.platform);
  // The same sample again (seed and scale as serve's), for its truth about who the planted children are.
  sampleDir = mkdtempSync(join(tmpdir(), 'vrn-cleveland-'));
  await generateSample({ out: sampleDir, ...COMMITTED_SAMPLE, deployment: 'cleveland' });
}, 240_000);
afterAll(() => {
  if (saved === undefined) delete process.env.VRN_DEPLOYMENT;
  else process.env.VRN_DEPLOYMENT = saved;
  t?.cleanup();
  if (sampleDir) rmSync(sampleDir, { recursive: true, force: true });
});

describe('the cleveland deployment', () => {
  it("fills an empty data dir with a sample of its own partners, every extract accepted", async () => {
    expect(t.platform.deployment.name).toBe('cleveland');
    // One per partner and dataset, with the team's programme delivery caseload.
    expect(reports.length).toBe(19);
    expect(reports.filter((r) => r.status !== 'accepted')).toEqual([]);
    const partners = new Set((await t.platform.catalog.read()).extracts.map((e) => e.partner));
    expect([...partners].sort()).toEqual(['cleveland-police', 'curv', 'hartlepool-borough-council', 'middlesbrough-council', 'necs',
      'redcar-and-cleveland-borough-council', 'south-tees-hospitals', 'stockton-on-tees-borough-council']);
  });

  it('places crimes in its four localities by TS postcode and by LSOA', async () => {
    const rows = await sql(t.platform, 'SELECT locality, count(*) AS crimes, count(lsoa_code) AS by_lsoa FROM police_crime GROUP BY 1 ORDER BY 1');
    const counts = Object.fromEntries(rows.map((r) => [r.locality, { crimes: Number(r.crimes), by_lsoa: Number(r.by_lsoa) }]));
    for (const { slug } of cleveland.area.localities) {
      expect(counts[slug]?.crimes, slug).toBeGreaterThan(100);
      expect(counts[slug]?.by_lsoa, slug).toBeGreaterThan(20);
    }
    expect(Object.keys(counts).sort()).toEqual(['hartlepool', 'middlesbrough', 'redcar-and-cleveland', 'stockton-on-tees', 'unknown']);
    // Every LSOA the police gave is one of the locality's own (the lookup is built from the bundle's boundaries).
    const misplaced = await sql(t.platform, 'SELECT lsoa_code, locality FROM police_crime WHERE lsoa_code IS NOT NULL');
    for (const { lsoa_code, locality } of misplaced) expect(t.platform.area.lsoas[lsoa_code as string]).toBe(locality);
  });

  it('`vrn profile --locality middlesbrough --period 2024-25` answers with the bundle\'s population and the count SQL finds', async () => {
    const { code, stdout } = await vrn('profile', '--locality', 'middlesbrough', '--period', '2024-25', '--audience', 'analyst', '--format', 'json');
    expect(code).toBe(0);
    const profile = JSON.parse(stdout);
    const [{ n }] = await sql(t.platform, `SELECT count(*) AS n FROM police_crime WHERE locality = 'middlesbrough' AND offence_group IN ${SERIOUS_VIOLENCE} AND recorded_date BETWEEN DATE '2024-04-01' AND DATE '2025-03-31'`);
    expect(profile).toMatchObject({ locality: 'middlesbrough', name: 'Middlesbrough', population: 143_900, serious_violence: { count: Number(n) } });
    expect(Number(n)).toBeGreaterThan(5);

    const csp = await vrn('profile', '--locality', 'middlesbrough', '--period', '2024-25', '--format', 'html');
    expect(csp.code).toBe(0);
    expect(csp.stdout).toContain('Produced by: Cleveland Unit for the Reduction of Violence');
    expect(csp.stdout).toContain('Cleveland per 1,000 residents');
    expect(csp.stdout).not.toMatch(/Leicester|LLR/);
  });

  it('`vrn measures` answers for the area, its months adding up', async () => {
    const { code, stdout } = await vrn('measures', '--period', '2024-25', '--format', 'json');
    expect(code).toBe(0);
    const knife = JSON.parse(stdout).measures.find((m: { id: string; split: string }) => m.id === 'knife_serious_violence' && m.split === 'all_ages');
    expect(knife.count).toBeGreaterThan(0);
    expect(knife.monthly.reduce((sum: number, m: { count: number }) => sum + m.count, 0)).toBe(knife.count);
  });

  it.each(cleveland.area.panels.map((p) => p.id))('`vrn cohort --panel %s` holds exactly the planted children it should', async (panel) => {
    const { code, stdout } = await vrn('cohort', '--panel', panel, '--as-of', '2025-09-30', '--format', 'json');
    expect(code).toBe(0);
    const { planted, actual, expected } = await plantedMembership(t.platform, sampleDir, panel, JSON.parse(stdout).members);
    expect(planted).toBeGreaterThan(5);
    expect(actual).toEqual(expected);
  });

  it('gives the same products on both engines', async () => {
    const measures = await onBothEngines(t.platform, (engine) => successMeasures(engine, '2024-25'));
    expect(measures.arquero).toEqual(measures.sql);
    for (const { slug } of cleveland.area.localities) {
      const profiles = await onBothEngines(t.platform, (engine) => localityProfile(engine, cleveland.area, cleveland.agreement, { locality: slug, period: '2024-25', audience: 'csp' }));
      expect(profiles.arquero, slug).toEqual(profiles.sql);
    }
    for (const { id } of cleveland.area.panels) {
      const cohorts = await onBothEngines(t.platform, (engine) => preventionPanelCohort(engine, cleveland.area, cleveland.cohort, id, '2025-09-30'));
      expect(cohorts.arquero, id).toEqual(cohorts.sql);
    }
  });

  it("knows only its own users and refuses another deployment's names", async () => {
    const token = await vrn('token', '--user', 'middlesbrough-csp');
    expect(token.code).toBe(0);
    const other = await vrn('token', '--user', 'charnwood-csp');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('no local user "charnwood-csp"; local users: police-uploader, middlesbrough-education-uploader, curv-analyst');
    const profile = await vrn('profile', '--locality', 'charnwood', '--period', '2024-25');
    expect(profile.code).toBe(2);
    expect(profile.stderr).toContain('unknown locality "charnwood"; known: hartlepool, middlesbrough, redcar-and-cleveland, stockton-on-tees');
  });

  it("names itself in the OpenAPI document and the portal, whose sign-in lists its own users", async () => {
    const app = createApp(t.platform, localAppOptions(t.dir, t.platform));
    const openapi = await (await app.request('/openapi.json')).json();
    expect(openapi.info).toEqual({ title: 'CURV Data Service', description: 'Cleveland Unit for the Reduction of Violence: uploads, products, SQL and the audit trail', version: '1' });
    const signIn = await (await app.request('/portal/sign-in')).text();
    expect(signIn).toContain('<title>Sign in · CURV data service</title>');
    expect(signIn).toContain('value="middlesbrough-csp"');
    expect(signIn).not.toMatch(/charnwood|Leicester|VRN Data Service/);
  });

  it("refuses to serve a data dir marked as another deployment's", async () => {
    markDataDir(t.dir, 'cleveland');
    process.env.VRN_DEPLOYMENT = 'llr';
    try {
      const { code, stderr } = await vrn('profile', '--locality', 'charnwood', '--period', '2024-25');
      expect(code).toBe(1);
      expect(stderr).toContain(`holds deployment "cleveland"'s data, not "llr"'s: set VRN_DEPLOYMENT=cleveland or use another --data-dir`);
    } finally {
      process.env.VRN_DEPLOYMENT = 'cleveland';
    }
    expect((await vrn('profile', '--locality', 'hartlepool', '--period', '2024-25')).code).toBe(0);
  });
});
