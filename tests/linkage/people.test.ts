import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../analytics/engine.ts';
import { unitCandidates } from '../../analytics/matching/candidates.ts';
import { withTrainedModel } from '../../analytics/matching/training.ts';
import { loadLinkTable } from '../../analytics/matching/link-rows.ts';
import { decodePeopleIndex, encodePeopleIndex, indexPeople } from '../../analytics/matching/people-index.ts';
import { resolveTable } from '../../analytics/matching/resolve.ts';
import { decide } from '../../functions/linkage/decisions.ts';
import { readPersonLinks } from '../../analytics/engines/person-links.ts';
import { preventionPanelCohort } from '../../analytics/products/cohort.ts';
import { currentModel, currentPeople, currentReviewQueue, dataVersion, linkAllPeople, peopleKey } from '../../functions/linkage/people.ts';
import { runProduct, type ProductRequest } from '../../functions/products/service.ts';
import { clkFields, LinkageConfig, linkageConfig } from '../../schemas/linkage.ts';
import { POLICE, csv, ingestText, testPlatform } from '../helpers.ts';
import { ASB_HEADER, ingestTommy, stored } from '../analytics/fuzzy-child.ts';
import { cohortRules, llr } from '../deployments.ts';

/** People linked ahead of time, once per data version, and the products reading them (as of the data's last date). */
const cohort: ProductRequest = { product: 'cohort', panel: 'city', asOf: '2025-07-01' };
const aboveTheLimit = LinkageConfig.parse({ ...linkageConfig, productsUpTo: 0 });
let t: ReturnType<typeof testPlatform>;
let linkedInRequest: unknown;
beforeAll(async () => {
  t = testPlatform();
  await ingestTommy(t.platform);
  linkedInRequest = await runProduct(t.platform, 'sql', cohort);
});
afterAll(() => t.cleanup());

const withEngine = async <T>(use: (engine: Awaited<ReturnType<typeof openEngine>>) => Promise<T>) => {
  const engine = await openEngine('sql', t.platform);
  try { return await use(engine); } finally { await engine.close(); }
};

describe('linking people ahead of time', () => {
  it('links every person record once per data version and stores the people', async () => {
    const first = await linkAllPeople(t.platform);
    expect(first).toMatchObject({ skipped: false, records: 5, version: await dataVersion(t.platform), key: peopleKey(await dataVersion(t.platform)) });
    // Tommy's four records are one person, his sister another.
    expect(first.people).toBe(2);
    expect(await t.platform.storage.get(first.key)).not.toBeNull();
    expect(await linkAllPeople(t.platform)).toMatchObject({ skipped: true, key: first.key, people: first.people });
  });

  it('stores the model it trained with the data version, and shows it: levels, m, u and the prior, no values', async () => {
    const shown = await currentModel(t.platform);
    const { model } = shown!;
    expect(shown).toMatchObject({ version: await dataVersion(t.platform) });
    expect(model.prior).toBeGreaterThan(0);
    expect(model.prior).toBeLessThan(1);
    expect(model.training.records).toBe(5);
    for (const c of clkFields) {
      const { levels, m, u } = model.comparisons[c];
      expect(levels.at(-1)).toBe('different');
      for (const p of [m, u]) {
        expect(p).toHaveLength(levels.length);
        expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }
    }
    expect(JSON.stringify(model)).not.toMatch(/Bradshaw|Thomas|LE2 ?1AB|2011-03-15/i);
  });

  it('gives the products, on both engines, the people the uploads were linked into on arrival, and the full run keeps him whole', async () => {
    // Linked on arrival (before the full run above): the child across three partners is already one member.
    expect(linkedInRequest).toMatchObject({ linkage: 'fuzzy', count: 1 });
    await withEngine(async (engine) => {
      expect(await currentPeople(t.platform, engine)).toMatchObject({ people: { version: await dataVersion(t.platform) } });
    });
    const [sql, arquero] = [await runProduct(t.platform, 'sql', cohort), await runProduct(t.platform, 'arquero', cohort)];
    expect(arquero).toEqual(sql);
    expect(sql).toMatchObject({ linkage: 'fuzzy', count: 1 });
    expect((sql as { members: { records: unknown[] }[] }).members[0].records).toEqual((linkedInRequest as { members: { records: unknown[] }[] }).members[0].records);
  });

  it('stores what it built: the decoded people answer as the built ones, and know no other record', async () => {
    const table = await withEngine((engine) => loadLinkTable(engine));
    const built = indexPeople(resolveTable(unitCandidates(withTrainedModel(table))), { version: 'v', linkedAt: '2025-11-01T12:00:00.000Z' });
    const decoded = decodePeopleIndex(encodePeopleIndex(built));
    expect([decoded.records, decoded.people, decoded.version]).toEqual([built.records, built.people, 'v']);
    for (const id of table.ids) {
      const person = built.personOf(id)!;
      expect(person).toMatch(/^P-/);
      expect(decoded.personOf(id)).toBe(person);
    }
    expect(decoded.personOf('asb_incident/perpetrator/not-a-record')).toBeUndefined();
  });

  it('links again after a review decision (a new data version), and follows it', async () => {
    const before = await linkAllPeople(t.platform);
    const table = await withEngine((engine) => loadLinkTable(engine));
    // Accept Tommy's police incident with his sister's: linking ahead must follow the decision.
    const tom = table.ids.find((id, i) => id.startsWith('asb_incident') && table.partners[table.partner[i]] === POLICE)!;
    const apart = decodePeopleIndex(await t.platform.storage.get(before.key).then((o) => o!.body));
    const sisters = table.ids.filter((id) => id.startsWith('asb_incident') && apart.personOf(id) !== apart.personOf(tom));
    expect(sisters).toHaveLength(1);
    await decide({ storage: t.platform.storage, now: () => t.platform.now() }, {
      item: { pair: 'R-test', records: [{ id: tom, partner: POLICE }, { id: sisters[0], partner: 'leicester-city-council' }] },
      decision: 'accept', user: 'analyst-1', role: 'analyst',
    });
    const linksBefore = await readPersonLinks(t.platform.storage);
    const after = await linkAllPeople(t.platform);
    expect(after.skipped).toBe(false);
    expect(after.key).not.toBe(before.key);
    expect(after.people).toBe(before.people - 1);
    const joined = decodePeopleIndex(await t.platform.storage.get(after.key).then((o) => o!.body));
    expect(joined.personOf(sisters[0])).toBe(joined.personOf(tom));
    // The run says what the decision changed, and its links moved exactly the record it concerns.
    expect(after.changes).toEqual({ records_moved: 1, people_merged: 1, people_split: 0, records_new: 0, records_gone: 0 });
    const linksAfter = await readPersonLinks(t.platform.storage);
    const tomsBefore = linksBefore.get(tom)!;
    const moved = [...linksAfter.keys()].filter((id) => (linksBefore.get(id) === tomsBefore) !== (linksAfter.get(id) === linksAfter.get(tom)));
    expect(moved).toEqual([sisters[0]]);
  });

  it('with a large store and newer data: the review queue works from the latest people and says so; the cohort sees the new record, linked on arrival', async () => {
    await linkAllPeople(t.platform);
    // A third incident for the police's person id NOM-T, after the linking run.
    await stored(ingestText(t.platform, 'asb_incident', POLICE, csv(ASB_HEADER, 'P2,police_call,2025-08-01T21:00,nuisance,NOM-T,Thomas,Bradshaw,2011-03-15,LE2 1AB')));
    const result = await withEngine(async (engine) => {
      const current = await currentPeople(t.platform, engine, aboveTheLimit);
      expect(current).toMatchObject({ note: expect.stringContaining('vrn link') });
      expect(await currentReviewQueue(t.platform, engine, aboveTheLimit)).toEqual(current!.people.review);
      return preventionPanelCohort(engine, llr, cohortRules, 'city', '2025-09-30', { kind: 'fuzzy', note: current!.note });
    });
    expect(result.linkage_note).toContain('people as linked at 2025-11-01T12:00:00.000Z');
    expect(result.members).toHaveLength(1);
    expect(result.members[0].events.asb_incident).toBe(4); // his two, his sister's (accepted above), and the new one by NOM-T
  });

  it('with a large store never linked: no people, and an empty review queue', async () => {
    const fresh = testPlatform();
    try {
      await ingestTommy(fresh.platform);
      const engine = await openEngine('sql', fresh.platform);
      try {
        expect(await currentPeople(fresh.platform, engine, aboveTheLimit)).toBeNull();
        expect(await currentReviewQueue(fresh.platform, engine, aboveTheLimit)).toEqual([]);
      } finally {
        await engine.close();
      }
    } finally {
      fresh.cleanup();
    }
  });
});
