import { createReadStream, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseNhsNumber, normaliseUpn } from '../../functions/ingest/identifiers.ts';
import { ingestExtract } from '../../functions/ingest/ingest.ts';
import { normaliseName } from '../../functions/ingest/pseudonymise.ts';
import { readCsv } from '../../functions/ingest/read-csv.ts';
import { readXlsx } from '../../functions/ingest/read-xlsx.ts';
import { decodeText, fileSource } from '../../functions/ingest/source.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { generateSample, type SampleManifest } from '../../sample-data/generator/index.ts';
import { isoDate, parseIso, addYears } from '../../sample-data/generator/calendar.ts';

const SCALE = 0.01;
const root = mkdtempSync(join(tmpdir(), 'vrn-sample-'));
const dirA = join(root, 'a'), dirB = join(root, 'b'), dirC = join(root, 'c');
let manifest: SampleManifest;

/** A file's records as the ingest reads them (header first), each with its line. */
async function records(dir: string, file: string, encoding: 'utf-8' | 'windows-1252' = 'utf-8') {
  const out: { line: number; cells: string[] }[] = [];
  const iterable = file.endsWith('.xlsx') ? readXlsx(fileSource(join(dir, file))) : readCsv(decodeText(createReadStream(join(dir, file)), encoding));
  for await (const r of iterable) out.push(r);
  return out;
}

/** Rows of a file as objects keyed by lower-cased header. */
async function table(dir: string, file: string, encoding: 'utf-8' | 'windows-1252' = 'utf-8') {
  const [header, ...rows] = await records(dir, file, encoding);
  const names = header.cells.map((h) => h.trim().toLowerCase());
  return rows.map((r) => ({ line: r.line, ...Object.fromEntries(names.map((n, i) => [n, r.cells[i] ?? ''])) }) as Record<string, string> & { line: number });
}

const truthRows = () => readFileSync(join(dirA, 'truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const [dataset, partner, record_ref, person_id, planted] = l.split(',');
  return { dataset, partner, record_ref, person_id, planted };
});

interface Report { file: string; status: string; rows_read: number; rows_rejected: number; rejectedLines: Set<number> }
let reports: Report[] = [];

beforeAll(async () => {
  manifest = await generateSample({ out: dirA, seed: 1, scale: SCALE });
  await generateSample({ out: dirB, seed: 1, scale: SCALE });
  await generateSample({ out: dirC, seed: 2, scale: SCALE });
  // The files as the service would take them, with the clock a month after the period.
  const platform = localPlatform(join(root, 'data'), { now: () => new Date('2025-11-01T12:00:00Z') });
  reports = [];
  for (const f of manifest.files) {
    const r = await ingestExtract(platform, { dataset: f.dataset, partner: f.partner, source: fileSource(join(dirA, f.file)) });
    reports.push({ file: f.file, status: r.status, rows_read: r.rows_read, rows_rejected: r.rows_rejected, rejectedLines: new Set(r.errors.map((e) => e.line!)) });
  }
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sample-data generator', () => {
  it('gives byte-identical files for the same seed and scale, and different ones for another seed', () => {
    const names = readdirSync(dirA).sort();
    expect(readdirSync(dirB).sort()).toEqual(names);
    expect(names).toContain('manifest.json');
    expect(names).toContain('truth.csv');
    expect(names.filter((n) => n.endsWith('.xlsx'))).toEqual(['rutland-county-council__support_episode.xlsx']);
    for (const name of names) expect(readFileSync(join(dirB, name)).equals(readFileSync(join(dirA, name))), name).toBe(true);
    for (const name of ['leicestershire-police__police_crime.csv', 'uhl__ae_attendance.csv', 'truth.csv']) {
      expect(readFileSync(join(dirC, name)).equals(readFileSync(join(dirA, name))), name).toBe(false);
    }
  });

  it('writes one file per partner and dataset, and the manifest counts match the files', async () => {
    // One per partner and dataset, with the two programme providers' caseloads.
    expect(manifest.files).toHaveLength(17);
    expect(manifest).toMatchObject({ seed: 1, scale: SCALE, from: '2019-04-01', to: '2025-09-30' });
    for (const f of manifest.files) {
      expect(f.file).toBe(`${f.partner}__${f.dataset}.${f.format}`);
      const rows = (await records(dirA, f.file, f.encoding)).length - 1;
      expect(rows, f.file).toBe(f.rows);
      expect(f.invalid_rows, f.file).toBeLessThanOrEqual(0.05 * f.rows);
      if (f.rows >= 40) expect(f.invalid_rows, f.file).toBeGreaterThan(0);
    }
    const police = readFileSync(join(dirA, 'leicestershire-police__police_crime.csv'));
    expect(police.subarray(0, 400).toString()).toMatch(/^Crime_Ref,Recorded_Date,.*\r\n/);
    const uhl = readFileSync(join(dirA, 'uhl__ae_attendance.csv'));
    expect([...uhl.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(uhl.toString('utf8')).toContain('NHS No');
    expect(uhl.toString('utf8')).toContain('Arrival Date Time');
    expect(uhl.includes('\r\n')).toBe(false);
  });

  it('files are accepted by the ingest, which rejects exactly the invalid rows', () => {
    for (const f of manifest.files) {
      const r = reports.find((x) => x.file === f.file)!;
      expect({ file: f.file, status: r.status, read: r.rows_read, rejected: r.rows_rejected })
        .toEqual({ file: f.file, status: 'accepted', read: f.rows, rejected: f.invalid_rows });
    }
  });

  it('every crime_ref of police_person is a crime of police_crime', async () => {
    const crimes = new Set((await table(dirA, 'leicestershire-police__police_crime.csv')).map((r) => r.crime_ref));
    const persons = await table(dirA, 'leicestershire-police__police_person.csv');
    expect(persons.length).toBeGreaterThan(crimes.size);
    for (const p of persons) expect(crimes.has(p.crime_ref), p.crime_ref).toBe(true);
  });

  it('writes the Leicester City Council files in Windows-1252, with accented names', async () => {
    for (const f of manifest.files.filter((x) => x.partner === 'leicester-city-council')) {
      expect(f.encoding).toBe('windows-1252');
      const bytes = readFileSync(join(dirA, f.file));
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes), f.file).toThrow();
      const rows = await table(dirA, f.file, 'windows-1252');
      const names = rows.flatMap((r) => [r.forename, r.surname, r.perpetrator_forename, r.perpetrator_surname].filter(Boolean));
      expect(names.some((n) => /[À-ÿ]/.test(n)), f.file).toBe(true);
    }
  });

  it('NHS numbers and UPNs pass their checks on every row the ingest keeps', async () => {
    let checked = 0;
    for (const f of manifest.files) {
      const rejected = reports.find((x) => x.file === f.file)!.rejectedLines;
      for (const row of await table(dirA, f.file, f.encoding)) {
        if (rejected.has(row.line)) continue;
        const nhs = row.nhs_number ?? row['nhs no'];
        if (nhs) { expect(normaliseNhsNumber(nhs), `${f.file}:${row.line}`).not.toBeNull(); checked++; }
        if (row.upn) { expect(normaliseUpn(row.upn), `${f.file}:${row.line}`).not.toBeNull(); checked++; }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('spells a person\'s name in different ways that all normalise to one name', async () => {
    // truth.csv lists the kept person rows of each file in order: zip them with the file's kept rows.
    const truth = truthRows();
    const spellings = new Map<string, Set<string>>();
    const keys = new Map<string, Set<string>>();
    for (const f of manifest.files.filter((x) => x.dataset !== 'police_crime')) {
      const rejected = reports.find((x) => x.file === f.file)!.rejectedLines;
      const theirs = truth.filter((t) => t.partner === f.partner && t.dataset === f.dataset);
      const kept = (await table(dirA, f.file, f.encoding)).filter((r) => !rejected.has(r.line));
      const described = f.dataset === 'asb_incident' ? kept.filter((r) => r.perpetrator_forename || r.perpetrator_surname || r.perpetrator_date_of_birth || r.perpetrator_person_id || r.perpetrator_sex) : kept;
      expect(described.length, f.file).toBe(theirs.length);
      described.forEach((row, i) => {
        const forename = row.forename ?? row.perpetrator_forename ?? '';
        const surname = row.surname ?? row.perpetrator_surname ?? '';
        if (!forename || !surname) return;
        const person = theirs[i].person_id;
        if (f.dataset !== 'police_person') {
          const ref = row.crime_ref ?? row.incident_ref ?? row.attendance_id ?? row['attendance ref'] ?? row.exclusion_id ?? row.episode_id ?? row.referral_id ?? row['referral ref'];
          expect(ref, f.file).toBe(theirs[i].record_ref);
        }
        if (!keys.has(person)) { keys.set(person, new Set()); spellings.set(person, new Set()); }
        keys.get(person)!.add(`${normaliseName(surname)}|${normaliseName(forename)}`);
        spellings.get(person)!.add(`${surname}|${forename}`);
      });
    }
    for (const [person, set] of keys) expect([...set], person).toHaveLength(1);
    const varied = [...spellings.values()].filter((s) => s.size > 1).length;
    expect(varied).toBeGreaterThan(20);
    const all = [...spellings.values()].flatMap((s) => [...s]).join('\n');
    for (const pattern of [/[À-ÿ]/, /'/, /[A-Z]-[A-Z]/i, /^[A-Z' -]+\|/m]) expect(all).toMatch(pattern);
  });

  it('plants Prevention Panel cases in both panels, and the near misses, in truth.csv', async () => {
    const planted = readFileSync(join(dirA, 'planted.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
      const [label, person, panel, locality, age, expected] = l.split(',');
      return { label, person, panel, locality, age: Number(age), expected: expected === 'true' };
    });
    const truth = truthRows();
    for (const panel of ['city', 'county']) {
      const cases = planted.filter((p) => p.panel === panel && p.expected);
      expect(cases.length, panel).toBeGreaterThanOrEqual(15);
      for (const c of cases) {
        expect(c.age).toBeGreaterThanOrEqual(10);
        expect(c.age).toBeLessThanOrEqual(17);
        expect(truth.filter((t) => t.person_id === c.person && t.planted === c.label).length, c.label).toBeGreaterThanOrEqual(2);
      }
    }
    for (const label of ['excluded_open_youth_justice', 'excluded_open_childrens_social_care', 'age_18', 'age_9', 'crimes_13_months_apart', 'moved_to_city']) {
      expect(truth.some((t) => t.planted === label), label).toBe(true);
    }
    expect(planted.find((p) => p.label === 'age_18')!.age).toBe(18);
    expect(planted.find((p) => p.label === 'age_9')!.age).toBe(9);

    // M1 as the cohort rule reads it: distinct crimes as suspect or offender recorded in the 12 months up to the as-of date.
    const asOf = parseIso('2025-09-30');
    const windowStart = isoDate(addYears(asOf, -1)); // the window starts after this day
    const crimes = new Map((await table(dirA, 'leicestershire-police__police_crime.csv')).map((c) => [c.crime_ref, c]));
    const m1 = new Map<string, Set<string>>();
    const rejected = reports.find((x) => x.file === 'leicestershire-police__police_person.csv')!.rejectedLines;
    const people = (await table(dirA, 'leicestershire-police__police_person.csv')).filter((r) => !rejected.has(r.line));
    const policeTruth = truth.filter((t) => t.dataset === 'police_person');
    people.forEach((row, i) => {
      const who = policeTruth[i];
      if (!who.planted || row.role === 'victim') return;
      const recorded = crimes.get(row.crime_ref)!.recorded_date;
      if (recorded > windowStart && recorded <= '2025-09-30') m1.set(who.planted, (m1.get(who.planted) ?? new Set()).add(row.crime_ref));
    });
    for (const p of planted) {
      const n = m1.get(p.label)?.size ?? 0;
      if (/_m1(_|$)/.test(p.label) || p.label === 'moved_to_city' || p.label === 'excluded_open_youth_justice') expect(n, p.label).toBeGreaterThanOrEqual(2);
      if (['crimes_13_months_apart', 'window_edge_out', 'one_crime_one_asb', 'same_crime_twice'].includes(p.label)) expect(n, p.label).toBe(1);
    }
  });
});
