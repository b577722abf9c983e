/**
 * `npx tsx tests/bench/linkage-levels.ts`: the per-field Dice that each kind of difference gives, under many keys
 * (quantiles), and the cross Dice of swapped names: what the level boundaries of schemas/linkage.ts were set from.
 */
import { createHash } from 'node:crypto';
import { decodeClk, fieldDice, segments, popcount } from '../../analytics/matching/clk.ts';
import { LinkageEncoder, type QuasiIdentifiers } from '../../analytics/matching/encoding.ts';
import { clkFields } from '../../schemas/linkage.ts';

const KEYS = Number(process.argv[2] ?? 40);
const base: QuasiIdentifiers = { forename: 'Oliver', surname: 'Bradshaw', dob: '2010-05-21', postcode: 'LE4 6RT', sex: 'male' };
type Case = [string, number, Partial<QuasiIdentifiers>, Partial<QuasiIdentifiers>];
const F = clkFields.indexOf('forename'), D = clkFields.indexOf('dob'), P = clkFields.indexOf('postcode');
const forenames = ['Oliver', 'Amelia', 'Harry', 'Isla', 'Jack', 'Mohammed', 'Grace', 'Noah', 'Ava', 'Leo', 'Freya', 'Arjun', 'Zara', 'Kai'];
const cases: Case[] = [
  ['name exact', F, {}, {}],
  ['name typo (substitution)', F, { forename: 'Oliver' }, { forename: 'Olivar' }],
  ['name typo (dropped)', F, { forename: 'Jessica' }, { forename: 'Jesica' }],
  ['name typo (transposed)', F, { forename: 'Amelia' }, { forename: 'Ameila' }],
  ['short Tom/Thomas', F, { forename: 'Tom' }, { forename: 'Thomas' }],
  ['short Tommy/Thomas', F, { forename: 'Tommy' }, { forename: 'Thomas' }],
  ['short Will/William', F, { forename: 'Will' }, { forename: 'William' }],
  ['short Becky/Rebecca', F, { forename: 'Becky' }, { forename: 'Rebecca' }],
  ['short Tomas/Tommy (unknown)', F, { forename: 'Tomas' }, { forename: 'Tommy' }],
  ['near Oliver/Olivia', F, { forename: 'Oliver' }, { forename: 'Olivia' }],
  ['near Jack/Jake', F, { forename: 'Jack' }, { forename: 'Jake' }],
  ['different names', F, { forename: 'Oliver' }, { forename: 'Grace' }],
  ['dob exact', D, {}, {}],
  ['dob day out', D, { dob: '2010-05-21' }, { dob: '2010-05-22' }],
  ['dob day out (carry)', D, { dob: '2010-05-19' }, { dob: '2010-05-20' }],
  ['dob year digit', D, { dob: '2010-05-21' }, { dob: '2011-05-21' }],
  ['dob month digit', D, { dob: '2010-05-21' }, { dob: '2010-06-21' }],
  ['dob day-month swap', D, { dob: '2010-05-12' }, { dob: '2010-12-05' }],
  ['dob same year+month', D, { dob: '2010-05-03' }, { dob: '2010-05-27' }],
  ['dob two years apart', D, { dob: '2010-05-21' }, { dob: '2012-08-09' }],
  ['dob different', D, { dob: '2010-05-21' }, { dob: '1987-11-04' }],
  ['postcode whole', P, {}, {}],
  ['postcode sector', P, { postcode: 'LE4 6RT' }, { postcode: 'LE4 6AB' }],
  ['postcode district', P, { postcode: 'LE4 6RT' }, { postcode: 'LE4 9QZ' }],
  ['postcode different', P, { postcode: 'LE4 6RT' }, { postcode: 'LE2 1AB' }],
];
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const rows: Record<string, string | number>[] = [];
const cross: number[] = [], crossRandom: number[] = [];
const randomNames: number[] = [];
for (const [label, field, x, y] of cases) {
  const d: number[] = [];
  for (let k = 0; k < KEYS; k++) {
    const e = new LinkageEncoder('v1', createHash('sha256').update(`levels ${k}`).digest());
    const a = decodeClk(e.clk({ ...base, ...x }))!, b = decodeClk(e.clk({ ...base, ...y }))!;
    d.push(fieldDice(a, b)[field]!);
    if (label === 'name exact') {
      const [fs, ss] = segments();
      const s = decodeClk(e.clk({ ...base, forename: base.surname, surname: base.forename }))!;
      let common = 0;
      for (let w = 0; w < fs[1] - fs[0]; w++) common += popcount(a.words[fs[0] + w] & s.words[ss[0] + w]);
      cross.push((2 * common) / (a.counts[0] + s.counts[1]));
      for (let i = 0; i < forenames.length; i++) for (let j = i + 1; j < forenames.length; j++) {
        randomNames.push(fieldDice(decodeClk(e.clk({ ...base, forename: forenames[i] }))!, decodeClk(e.clk({ ...base, forename: forenames[j] }))!)[F]!);
      }
    }
  }
  d.sort((m, n) => m - n);
  rows.push({ case: label, min: +d[0].toFixed(3), p05: +q(d, 0.05).toFixed(3), median: +q(d, 0.5).toFixed(3), p95: +q(d, 0.95).toFixed(3), max: +d[d.length - 1].toFixed(3) });
}
for (const [label, d] of [['swapped names (cross Dice)', cross], ['random forename pairs', randomNames]] as const) {
  d.sort((m, n) => m - n);
  rows.push({ case: label, min: +d[0].toFixed(3), p05: +q(d, 0.05).toFixed(3), median: +q(d, 0.5).toFixed(3), p95: +q(d, 0.95).toFixed(3), max: +d[d.length - 1].toFixed(3) });
}
console.table(rows);
