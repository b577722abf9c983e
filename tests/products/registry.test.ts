import { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxSuppressed, Publication, type Audience } from '../../analytics/disclosure.ts';
import { defaultEngine, engineNamed, openEngine, UnknownEngine, type EngineName } from '../../analytics/engine.ts';
import { financialYear } from '../../analytics/financial-year.ts';
import { and, between, col, date, eq, lit, param } from '../../analytics/ir.ts';
import { localAppOptions, startLocalServer } from '../../functions/api/local-server.ts';
import { SESSION_COOKIE } from '../../functions/api/middleware/authenticate.ts';
import { financialYear as financialYearField, productBody } from '../../functions/api/routes/schemas.ts';
import { required } from '../../functions/cli/args.ts';
import { refreshProducts } from '../../functions/outputs/refresh.ts';
import { defineProduct } from '../../functions/products/product.ts';
import { products } from '../../functions/products/registry.ts';
import { vrnInProcessWith } from '../cli/in-process.ts';
import { CRIME_HEADER, POLICE, crimeRow, csv, ingestText, testPlatform } from '../helpers.ts';

/**
 * A new product is one module: this one, declared here and put in a test's own registry, must appear at its API
 * route and in the OpenAPI document, as a CLI command, in the portal's menu and in the scheduled refresh, with
 * disclosure control applied to what it counted though its own code never calls it.
 */
interface KnifeCountRequest { product: 'knife-count'; period: string; audience: Audience }
const knifeCount = defineProduct({
  name: 'knife-count',
  title: 'Knife crime count',
  action: 'measures.read',
  scope: (request: KnifeCountRequest) => ({ audience: request.audience }),
  api: {
    path: '/v1/knife-count',
    summary: 'Knife-enabled crimes recorded in a financial year',
    query: z.object({ period: financialYearField('period'), audience: z.enum(['csp', 'analyst']).default('csp') }),
    body: productBody('KnifeCount', { period: z.string(), count: z.number().nullable(), suppressed: z.boolean() }),
    request: ({ query }): KnifeCountRequest => ({ product: 'knife-count', period: query.period, audience: query.audience }),
  },
  cli: {
    command: 'knife-count',
    usage: '--period 2024-25',
    help: 'knife-enabled crimes recorded in a financial year',
    request: (flags): KnifeCountRequest => ({ product: 'knife-count', period: required(flags, 'period'), audience: 'csp' }),
  },
  formats: ['json', 'csv'],
  async run(engine, { agreement }, request) {
    const year = financialYear(request.period);
    const where = and(eq(col('knife_flag'), lit(true)), between(col('recorded_date'), date(param('from')), date(param('to'))));
    const rows = await engine.count({ from: 'police_crime', where, groupBy: {} }, { from: year.from, to: year.to });
    const cells = new Publication();
    const count = cells.cell(Number(rows[0]?.count ?? 0), maxSuppressed(agreement, 'police_crime'));
    return { audience: request.audience, cells, answer: (show) => ({ period: request.period, ...show(count) }) };
  },
  tables: (result) => {
    const table = { name: 'Knife crime count', columns: ['period', 'count', 'suppressed'], rows: [[result.period, result.count, result.suppressed]] };
    return { csv: table, sheets: [table] };
  },
  fileName: (request) => ['knife-count', request.period, request.audience],
  portal: { href: '/portal/knife-count' },
  refresh: (_area, period) => [{ request: { product: 'knife-count', period, audience: 'csp' } satisfies KnifeCountRequest, files: { csv: 'csp/knife-count.csv' } }],
});
const registry = [...products, knifeCount];

let t: ReturnType<typeof testPlatform>;
let server: Awaited<ReturnType<typeof startLocalServer>>;
let options: ReturnType<typeof localAppOptions>;
beforeAll(async () => {
  t = testPlatform(new Date('2025-11-01T12:00:00Z'));
  // Three knife crimes this year: a small count, suppressed for the csp audience.
  await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER,
    ...['2025-05-02', '2025-06-10', '2025-07-21'].map((day, i) => crimeRow(`K${i}`, { recorded_date: day, offence_date: day, knife_flag: 'Y' })),
    crimeRow('N0', { recorded_date: '2025-05-03', offence_date: '2025-05-03', knife_flag: 'N' })));
  options = localAppOptions(t.dir, t.platform);
  server = await startLocalServer(t.platform, 0, { ...options, products: registry });
});
afterAll(async () => {
  await new Promise((resolve) => server?.server.close(resolve));
  t?.cleanup();
});

const get = async (user: string, path: string) => {
  const response = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${await options.tokens.sign(user)}` } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};

/** Runs the CLI in this process with the test's registry (or, `false`, the service's). */
const cli = (args: string[], withRegistry = true) => vrnInProcessWith(withRegistry ? registry : undefined, ...args);

/** A CSV export's table, after the lines that say what it is (the VRU, the period, the data's last date, when). */
const tableOf = (csv: string) => csv.split('\r\n\r\n').pop()!.trim();

describe('a product added to the registry', () => {
  it('is served at its route, behind its action, disclosure-controlled for the csp audience at the one call site', async () => {
    expect(JSON.parse((await get('vrn-analyst', '/v1/knife-count?period=2025-26&audience=analyst')).body)).toEqual({ period: '2025-26', count: 3, suppressed: false });
    expect(JSON.parse((await get('vrn-analyst', '/v1/knife-count?period=2025-26')).body)).toEqual({ period: '2025-26', count: null, suppressed: true });
    const file = await get('performance-lead', '/v1/knife-count?period=2025-26&audience=analyst&format=csv');
    expect([file.status, file.type, tableOf(file.body)]).toEqual([200, 'text/csv; charset=utf-8', 'Period,Count,Suppressed\r\n2025-26,3,No']);
    expect(file.body).toMatch(/^Produced by,"Leicester, Leicestershire and Rutland Violence Reduction Network"\r\nPeriod,2025-26\r\nData to,/);
    expect((await get('police-uploader', '/v1/knife-count?period=2025-26')).status).toBe(403);
    // A csp officer may see csp figures only: the scope the product declares is checked.
    expect((await get('charnwood-csp', '/v1/knife-count?period=2025-26&audience=analyst')).status).toBe(403);
    expect((await get('vrn-analyst', '/v1/knife-count?period=2025-26&format=html')).status).toBe(400);
  });

  it('is in the OpenAPI document with its summary, fields and formats, beside the built-in products', async () => {
    const doc = JSON.parse((await get('vrn-analyst', '/openapi.json')).body);
    const entry = doc.paths['/v1/knife-count'].get;
    expect(entry.summary).toBe('Knife-enabled crimes recorded in a financial year');
    expect(entry.security).toEqual([{ Bearer: [] }]);
    expect(entry.parameters.map((p: { name: string }) => p.name)).toEqual(['period', 'audience', 'format']);
    expect(entry.parameters.find((p: { name: string }) => p.name === 'format').schema).toMatchObject({ enum: ['json', 'csv'], default: 'json' });
    expect(Object.keys(entry.responses[200].content)).toEqual(['application/json', 'text/csv']);
    for (const product of products) expect(doc.paths[product.api.path]?.get?.summary).toBe(product.api.summary);
  });

  it('is a CLI command, listed in the usage, with the formats it declares', async () => {
    const help = await cli(['help']);
    expect(help.stdout).toContain('  knife-count --period 2024-25 [--engine arquero|sql] [--format json|csv] [--out FILE]\n');
    expect(help.stdout).toContain('knife-enabled crimes recorded in a financial year');
    const counted = await cli(['knife-count', '--period', '2025-26', '--data-dir', t.dir, '--format', 'csv', '--engine', 'arquero']);
    expect([counted.code, tableOf(counted.stdout)]).toEqual([0, 'Period,Count,Suppressed\r\n2025-26,,Yes']);
    const xlsx = await cli(['knife-count', '--period', '2025-26', '--data-dir', t.dir, '--format', 'xlsx']);
    expect([xlsx.code, xlsx.stderr]).toEqual([2, expect.stringContaining('--format must be one of json, csv')]);
    // Without it in the registry, there is no such command.
    expect((await cli(['knife-count', '--period', '2025-26', '--data-dir', t.dir], false)).stderr).toContain('unknown command "knife-count"');
  });

  it("is in the portal's menu for the roles its action allows", async () => {
    const menu = async (user: string) => {
      const page = await fetch(`${server.url}/portal`, { headers: { cookie: `${SESSION_COOKIE}=${await options.tokens.sign(user)}` } });
      return [...(await page.text()).matchAll(/<li><a href="([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => `${m[1]} ${m[2]}`);
    };
    expect(await menu('performance-lead')).toContain('/portal/knife-count Knife crime count');
    expect(await menu('vrn-analyst')).toEqual(expect.arrayContaining(['/portal/measures Success measures', '/portal/knife-count Knife crime count', '/portal/deep-dive Deep dive']));
    expect(await menu('police-uploader')).not.toContain('/portal/knife-count Knife crime count');
  });

  it('has a portal page made from its request fields and tables, when the portal has none of its own', async () => {
    const page = async (user: string, search: string) => {
      const response = await fetch(`${server.url}/portal/knife-count${search}`, { headers: { cookie: `${SESSION_COOKIE}=${await options.tokens.sign(user)}` } });
      return { status: response.status, html: await response.text() };
    };
    // The year defaults to the last whole one the data cover, as on every product page.
    expect((await page('vrn-analyst', '?audience=analyst')).html).toContain('<input id="period" name="period" value="2024-25"/>');
    const analyst = await page('vrn-analyst', '?period=2025-26&audience=analyst');
    expect(analyst.status).toBe(200);
    expect(analyst.html).toMatch(/<caption>Knife crime count<\/caption>[\s\S]*<td>2025-26<\/td><td class="n">3<\/td><td>false<\/td>/);
    expect(analyst.html).toContain('href="/portal/api/knife-count?period=2025-26&amp;audience=analyst&amp;format=csv"');
    expect((await page('vrn-analyst', '?period=2025-26')).html).toMatch(/<td>2025-26<\/td><td>—<\/td><td>true<\/td>/);
    expect((await page('police-uploader', '?period=2025-26')).status).toBe(403);
  });

  it('is written by the scheduled refresh as it declares, rendered as every other face renders it', async () => {
    const manifest = await refreshProducts(t.platform, 'sql', [knifeCount]);
    expect(manifest.files).toEqual(['outputs/2025-26/csp/knife-count.csv']);
    const stored = await t.platform.storage.get('outputs/2025-26/csp/knife-count.csv');
    expect(tableOf(new TextDecoder().decode(stored!.body))).toBe('Period,Count,Suppressed\r\n2025-26,,Yes');
  });
});

describe('the engine choice', () => {
  it('has one default per use, and an unknown name is an error listing the engines, never SQL by default', async () => {
    expect([engineNamed(undefined, 'request'), engineNamed(undefined, 'batch'), engineNamed('arquero', 'request')]).toEqual([defaultEngine.request, defaultEngine.batch, 'arquero']);
    expect(() => engineNamed('duckdb', 'batch', 'VRN_REFRESH_ENGINE')).toThrow(new UnknownEngine('VRN_REFRESH_ENGINE'));
    expect(() => engineNamed('duckdb', 'batch', 'VRN_REFRESH_ENGINE')).toThrow('VRN_REFRESH_ENGINE must be one of arquero, sql');
    await expect(openEngine('duckdb' as EngineName, t.platform)).rejects.toThrow('engine must be one of arquero, sql');
  });

  it('is a usage error on the CLI, for products and for linking', async () => {
    for (const args of [['measures', '--period', '2025-26'], ['link']]) {
      const run = await cli([...args, '--engine', 'duckdb', '--data-dir', t.dir]);
      expect([run.code, run.stderr]).toEqual([2, expect.stringMatching(/^vrn: --engine must be one of arquero, sql\n/)]);
    }
  });
});
