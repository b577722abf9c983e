import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LLR, monthlyCost, NATIONAL, PRICES } from '../../infra/cost/model.ts';

const line = (result: ReturnType<typeof monthlyCost>, service: string) => result.lines.find((l) => l.service === service)!;

describe('the cost model', () => {
  it('prices LLR volumes line by line as its stated assumptions say', () => {
    const llr = monthlyCost(LLR);
    const requests = 60 * 40 * 21;
    expect(line(llr, 'API Gateway (HTTP API)').monthlyUsd).toBe(Math.round(requests * 1.11 / 1e6 * 100) / 100);
    // Each analyst query reads 30% of seven years of police crime rows, 85 bytes each.
    const scanned = 50 * 21 * (110_000 * 7 * 85 * 0.3);
    expect(line(llr, 'Athena').monthlyUsd).toBe(Math.round((scanned / 1e12) * PRICES.athenaPerTbScanned * 100) / 100);
    expect(line(llr, 'KMS').monthlyUsd).toBeGreaterThanOrEqual(PRICES.kmsKeyMonth);
    expect(line(llr, 'Secrets Manager').monthlyUsd).toBeGreaterThanOrEqual(PRICES.secretMonth);
    expect(llr.totalUsd).toBeCloseTo(llr.lines.reduce((n, l) => n + l.monthlyUsd, 0), 2);
  });

  it('charges a query at least Athena\'s 10 MB minimum', () => {
    const tiny = monthlyCost({ ...LLR, crimesPerYear: 1000 });
    expect(line(tiny, 'Athena').basis).toContain('1050 analyst queries × 10 MB');
  });

  it('grows with the national scenario, Athena scans leading', () => {
    const llr = monthlyCost(LLR);
    const national = monthlyCost(NATIONAL);
    expect(national.totalUsd).toBeGreaterThan(llr.totalUsd * 20);
    expect(national.storedGb).toBeGreaterThan(llr.storedGb * 40);
    const top = [...national.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd)[0]!;
    expect(top.service).toBe('Athena');
  });

  it('runs from npm run cost with flags, and refuses a bad number', () => {
    const out = execFileSync('npx', ['tsx', 'infra/cost/cli.ts', '--crimes-per-year', '220000', '--json'], { encoding: 'utf8' });
    const parsed = JSON.parse(out);
    expect(parsed.scenarios).toHaveLength(1);
    expect(parsed.scenarios[0].volumes.crimesPerYear).toBe(220_000);
    const bad = spawnSync('npx', ['tsx', 'infra/cost/cli.ts', '--users', 'many'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--users must be a non-negative number');
  });
});
