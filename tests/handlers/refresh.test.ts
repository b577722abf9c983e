import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financialYearOf, refreshProducts } from '../../functions/outputs/refresh.ts';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText } from '../helpers.ts';
import { awsTestEnvironment, fakeAwsServices } from '../platform/fake-aws.ts';
import { startS3rver } from '../platform/s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

describe('the scheduled product refresh', () => {
  it('knows the financial year of a date', () => {
    expect(financialYearOf(new Date('2025-03-31T23:59:59Z'))).toBe('2024-25');
    expect(financialYearOf(new Date('2025-04-01T00:00:00Z'))).toBe('2025-26');
  });

  it('writes the current year\'s measures and every locality\'s profile to the outputs bucket, and only again when the catalog changes', async () => {
    const buckets = await s3.buckets();
    const services = fakeAwsServices();
    const platform = awsPlatform(awsTestEnvironment(buckets), { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config },
      { now: () => new Date('2025-01-15T06:00:00Z') });
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('R', 12, '2024-06-01')));

    const first = await refreshProducts(platform);
    expect(first).toMatchObject({ period: '2024-25', skipped: false });
    const written = await platform.storage.list('outputs/2024-25');
    expect(written).toContain('outputs/2024-25/measures.json');
    expect(written).toContain('outputs/2024-25/home-office-return.csv');
    expect(written.filter((k) => k.startsWith('outputs/2024-25/profiles/') && k.endsWith('.html'))).toHaveLength(platform.area.localities.length);
    const leicester = JSON.parse(new TextDecoder().decode((await platform.storage.get('outputs/2024-25/profiles/leicester.json'))!.body));
    expect(leicester).toMatchObject({ locality: 'leicester', period: '2024-25', audience: 'csp' });
    expect(leicester.by_offence_group.find((g: { group: string }) => g.group === 'assault_with_injury')).toMatchObject({ count: 12 });

    expect(await refreshProducts(platform)).toMatchObject({ skipped: true });
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('Q', 3, '2024-09-01')));
    expect(await refreshProducts(platform)).toMatchObject({ skipped: false });
  });
});
