/**
 * What a linking run gave, as digests to compare two versions of the code on one store: `DATADIR`. Prints one JSON
 * line: the people and records, a digest of the person links as sorted (record id, person id) lines, of the review
 * queue, of the blind sample and of the model, and whether the stored people agree with the links.
 */
import { createHash } from 'node:crypto';
import { readPersonLinks } from '../../analytics/engines/person-links.ts';
import { decodePeopleIndex } from '../../analytics/matching/people-index.ts';
import { blindSampleKey, LATEST_KEY, type LinkingRun } from '../../functions/linkage/people.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { getJson } from '../../functions/platform/storage/port.ts';

const digest = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex').slice(0, 16);
const { storage } = localPlatform(process.argv[2]);
const latest = (await getJson<LinkingRun>(storage, LATEST_KEY))!.value;
const links = await readPersonLinks(storage);
const lines = createHash('sha256');
for (const [record, person] of [...links].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) lines.update(`${record}\t${person}\n`);
const people = decodePeopleIndex((await storage.get(latest.key))!.body);
console.log(JSON.stringify({
  records: links.size, people: new Set(links.values()).size, review: people.review.length, links: lines.digest('hex').slice(0, 16),
  review_digest: digest(JSON.stringify(people.review)), blind: digest((await storage.get(blindSampleKey(latest.key)))!.body),
  model: digest(JSON.stringify(latest.model)), index_agrees: [...links.keys()].every((r) => people.personOf(r) === links.get(r)),
}));
