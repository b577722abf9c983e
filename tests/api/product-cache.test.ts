import { afterAll, describe, expect, it } from 'vitest';
import { linkAllPeople } from '../../functions/linkage/people.ts';
import { ProductCache } from '../../functions/products/cache.ts';
import { ProductRequestError, type ProductRequest } from '../../functions/products/service.ts';
import { CRIME_HEADER, POLICE, crimeRows, csv, ingestText, testPlatform } from '../helpers.ts';

let opened = 0;
const t = testPlatform(undefined, {});
const openSql = t.platform.openSql;
t.platform.openSql = () => { opened++; return openSql(); };
afterAll(t.cleanup);

const measures: ProductRequest = { product: 'measures', period: '2024-25', baseline: '2019-20' };

describe('products cached per version of the data (catalog, decisions, stored people)', () => {
  it('computes once for repeated and concurrent reads, again after the catalog changes', async () => {
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('A', 3)));
    const cache = new ProductCache(t.platform, 'sql');
    const [first, second] = await Promise.all([cache.result(measures), cache.result(measures)]);
    expect(second).toBe(first);
    expect(opened).toBe(1);
    await cache.rendered(measures, 'csv');
    expect(opened).toBe(1);
    await ingestText(t.platform, 'police_crime', POLICE, csv(CRIME_HEADER, ...crimeRows('B', 4, '2024-05-01')));
    const third = await cache.result(measures);
    expect(opened).toBe(2);
    expect(third).not.toBe(first);
    // A linking run stores people for this data: the products that read them are computed again.
    await linkAllPeople(t.platform);
    expect(await cache.result(measures)).not.toBe(third);
    expect(opened).toBe(3); // the product's (linking reads with the Arquero engine)
    await cache.result(measures);
    expect(opened).toBe(3);
  });

  it('turns a product\'s RangeError into a request error and does not cache the failure', async () => {
    const cache = new ProductCache(t.platform, 'sql');
    const bad: ProductRequest = { product: 'profile', locality: 'atlantis', period: '2024-25', audience: 'csp' };
    await expect(cache.result(bad)).rejects.toThrow(ProductRequestError);
    await expect(cache.result(bad)).rejects.toThrow(/unknown locality "atlantis"/);
  });
});
