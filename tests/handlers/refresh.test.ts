import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { financialYearOf, refreshProducts, scheduledRefresh } from '../../functions/outputs/refresh.ts';
import { awsPlatform } from '../../functions/platform/aws.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText } from '../helpers.ts';

const PERSON_HEADER = 'crime_ref,role,police_person_id,forename,surname,date_of_birth,sex,home_postcode,outcome';
import { awsTestEnvironment, fakeAwsServices } from '../platform/fake-aws.ts';
import { startS3rver } from '../platform/s3rver.ts';

let s3: Awaited<ReturnType<typeof startS3rver>>;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(() => s3?.close());

/** The AWS platform over fresh buckets in s3rver, on a January morning. */
async function freshPlatform() {
  const services = fakeAwsServices();
  return awsPlatform(awsTestEnvironment(await s3.buckets()), { s3: s3.config, glue: services.config, athena: services.config, secretsManager: services.config },
    { now: () => new Date('2025-01-15T06:00:00Z') });
}

describe('the scheduled product refresh', () => {
  it('knows the financial year of a date', () => {
    expect(financialYearOf(new Date('2025-03-31T23:59:59Z'))).toBe('2024-25');
    expect(financialYearOf(new Date('2025-04-01T00:00:00Z'))).toBe('2025-26');
  });

  it('writes the current year\'s measures and every locality\'s profile to the outputs bucket, and only again when the catalog changes', async () => {
    const platform = await freshPlatform();
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('R', 12, '2024-06-01')));

    const first = await refreshProducts(platform);
    expect(first).toMatchObject({ period: '2024-25', skipped: false });
    const written = await platform.storage.list('outputs/2024-25');
    expect(written).toContain('outputs/2024-25/measures.json');
    expect(written).toContain('outputs/2024-25/home-office-return.csv');
    expect(written.filter((k) => k.startsWith('outputs/2024-25/csp/profiles/') && k.endsWith('.html'))).toHaveLength(platform.area.localities.length);
    // What CSP officers are given holds only the disclosure-controlled release: no unsuppressed measure beside it.
    expect(written.filter((k) => k.startsWith('outputs/2024-25/csp/') && !k.startsWith('outputs/2024-25/csp/profiles/'))).toEqual(['outputs/2024-25/csp/measures.json']);
    const cspMeasures = JSON.parse(new TextDecoder().decode((await platform.storage.get('outputs/2024-25/csp/measures.json'))!.body));
    expect(cspMeasures).toMatchObject({ period: '2024-25', audience: 'csp' });
    const leicester = JSON.parse(new TextDecoder().decode((await platform.storage.get('outputs/2024-25/csp/profiles/leicester.json'))!.body));
    expect(leicester).toMatchObject({ locality: 'leicester', period: '2024-25', audience: 'csp' });
    expect(leicester.by_offence_group.find((g: { group: string }) => g.group === 'assault_with_injury')).toMatchObject({ count: 10 }); // 12, rounded to 5 as everything CSP officers see

    expect(await refreshProducts(platform)).toMatchObject({ skipped: true });
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('Q', 3, '2024-09-01')));
    expect(await refreshProducts(platform)).toMatchObject({ skipped: false });
  });

  it('links people for the current data before the products, through S3 and the Arquero engine, and only again when the data changes', async () => {
    const platform = await freshPlatform();
    await ingestText(platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('R', 2, '2024-06-01')));
    await ingestText(platform, 'police_person', POLICE, csv(PERSON_HEADER,
      'R-0,suspect,NOM-1,Aiden,Kowalski,2008-02-03,male,LE2 1AB,charged', 'R-1,suspect,NOM-2,Aidan,Kowalsky,2008-02-03,male,LE2 1AB,charged'));
    const messages: string[] = [];
    const first = await scheduledRefresh(platform, 'arquero', (m) => messages.push(m));
    // Two police person ids are two people, however alike the names: the rule fuzzy linkage keeps.
    expect(first.people).toMatchObject({ skipped: false, records: 2, people: 2 });
    expect(first.products).toMatchObject({ skipped: false });
    expect(await platform.storage.get(first.people.key)).not.toBeNull();
    expect(messages.join('\n')).toMatch(/^reading the person records/);
    expect(messages.join('\n')).not.toMatch(/Aid[ae]n|Kowalsk/);
    expect(await scheduledRefresh(platform)).toMatchObject({ people: { skipped: true }, products: { skipped: true } });
  });
});
