import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, personMeasures } from '../../analytics/ir.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { athenaSyntaxErrors } from '../sql/trino.ts';
import { comparisonCases } from './cases/comparison.ts';
import { dateCases } from './cases/dates.ts';
import { indicatorCases } from './cases/indicators.ts';
import { listCases } from './cases/lists.ts';
import { logicCases } from './cases/logic.ts';
import { queryCases } from './cases/query.ts';
import { personCases } from './cases/persons.ts';
import { semiJoinCases } from './cases/semi-join.ts';
import { athenaStatements, expectedRows, runOn, specDeployments, specEngines, specPlatform, type SpecCase } from './runner.ts';

/** Every operation's cases, on every engine and under every deployment bundle: pinned rows on Arquero and DuckDB, Trino-parsed SQL for Athena. */
const suites = [comparisonCases, logicCases, listCases, dateCases, semiJoinCases, queryCases, indicatorCases, personCases];
const byOperation = new Map<string, SpecCase[]>();
for (const suite of suites) for (const [operation, cases] of Object.entries(suite)) byOperation.set(operation, [...(byOperation.get(operation) ?? []), ...cases!]);

it('holds cases for every operation of the query description', () => {
  expect(operations.filter((op) => !byOperation.get(op)?.length)).toEqual([]);
  expect(personMeasures.filter((m) => !byOperation.get(`person ${m}`)?.length)).toEqual([]);
});

for (const [operation, cases] of byOperation) {
  describe(operation, () => {
    for (const c of cases) {
      describe(c.name, () => {
        const stores = new Map<string, { platform: Platform; cleanup: () => void }>();
        beforeAll(async () => { for (const d of specDeployments) stores.set(d, await specPlatform(c.tables, d)); });
        afterAll(() => { for (const s of stores.values()) s.cleanup(); });
        for (const engine of specEngines) {
          if (engine === 'athena') {
            it('athena: the SQL it would send parses as Trino, with its placeholders and with their values', async () => {
              const statements = await athenaStatements(c);
              expect(statements.length).toBeGreaterThan(0);
              for (const { sql, values } of statements) expect(athenaSyntaxErrors(sql, values), `${operation}: ${c.name}: ${sql}`).toEqual([]);
            });
          } else {
            for (const d of specDeployments) {
              it(`${engine}, ${d}: the pinned rows`, async () => {
                expect(await runOn(engine, stores.get(d)!.platform, c)).toEqual(expectedRows(c));
              });
            }
          }
        }
      });
    }
  });
}
