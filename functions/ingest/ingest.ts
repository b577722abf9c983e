import { randomBytes } from 'node:crypto';
import type { Dataset } from '../../schemas/dataset.ts';
import { getDataset } from '../../schemas/datasets/index.ts';
import { storedColumns } from '../../schemas/stored.ts';
import { supersededBy } from '../../analytics/counting.ts';
import type { Platform } from '../platform/platform.ts';
import { diskFault, getJson, PreconditionFailed, StoreFailed } from '../platform/storage/port.ts';
import { linkSources } from '../../analytics/matching/link-rows.ts';
import { linkOnArrival } from '../linkage/arrival.ts';
import { dayToIso, isoToDay, millisToDay, todayDay } from '../../analytics/dates.ts';
import { ExtractRejected, type ExtractError } from './errors.ts';
import { columnLabel, HEADER_CELL_MAX, matchHeader } from './header.ts';
import { ParquetSink } from './parquet-sink.ts';
import { Pseudonymiser } from './pseudonymise.ts';
import { readCsvBatches, type FileRecord } from './read-csv.ts';
import { readXlsx } from './read-xlsx.ts';
import { RowRejections, type RejectionCount } from './rejections.ts';
import { ReferenceVaultWriter, vaultKey } from './reference-vault.ts';
import { reportKey, safeFileName, type IngestReport } from './report.ts';
import { rowValidator } from './row-schema.ts';
import { SeenIds } from './seen-ids.ts';
import { decodeText, fingerprint, type ByteSource, type Fingerprint } from './source.ts';
import { storedRowBuilder, type StoredValue } from './stored-row.ts';
import { historyWarnings, outsideAreaCounter, type IngestWarning } from './warnings.ts';

export interface IngestRequest {
  dataset: string;
  partner: string;
  source: ByteSource;
  periodFrom?: string;
  periodTo?: string;
  /** Given when the id was handed out before the file arrived (a two-step upload); otherwise a new one. */
  uploadId?: string;
  /** The file's name and who sent it, for the uploads list (the name is reduced to safe characters). */
  fileName?: string;
  uploadedBy?: string;
  onProgress?: (progress: { rows_read: number; rows_rejected: number }) => void;
  /** False for a bulk load that a full linking run follows (the sample): its person records are not linked on arrival. */
  linkOnArrival?: boolean;
  /** Hears each stage of linking its person records on arrival (for the CLI and the logs; names no person). */
  onLinking?: (message: string) => void;
  /** Test seam: runs after the extract's data is written and before the catalog records it. */
  beforeCommit?: () => Promise<void>;
}

const PROGRESS_EVERY = 50_000;

export const newUploadId = (now: Date) =>
  `up-${now.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;

const curatedKey = (dataset: string, uploadId: string) => `curated/${dataset}/upload_id=${uploadId}/part-00000.parquet`;
const VAULT_CHUNK = 50_000;

/**
 * Ingests one extract end to end: check the agreement, fingerprint, parse, validate every row, minimise,
 * pseudonymise, write Parquet, and record it in the catalog. All or nothing: a rejected extract stores no rows
 * and changes nothing; an accepted one becomes visible only when its catalog entry lands.
 */
export async function ingestExtract(platform: Platform, request: IngestRequest): Promise<IngestReport> {
  const uploadId = request.uploadId ?? newUploadId(platform.now());
  const progress = { accepted: false };
  try {
    return await ingest(platform, { ...request, uploadId }, progress);
  } catch (error) {
    const fault = diskFault(error);
    if (!fault) throw error;
    const what = fault === 'full' ? 'the store ran out of space' : 'the disk failed (an I/O error)';
    throw new StoreFailed(progress.accepted
      ? `the extract was accepted (upload ${uploadId}), but ${what} before its report was written`
      : `${what} while writing the extract; nothing was stored`);
  }
}

async function ingest(platform: Platform, request: IngestRequest & { uploadId: string }, progress: { accepted: boolean }): Promise<IngestReport> {
  const receivedAt = platform.now();
  const uploadId = request.uploadId;
  const base = {
    upload_id: uploadId, dataset: request.dataset, partner: request.partner,
    period_from: request.periodFrom ?? null, period_to: request.periodTo ?? null,
    rows_read: 0, rows_accepted: 0, rows_rejected: 0, columns_ignored: [] as string[], supersedes: [] as string[],
    rejections: [] as RejectionCount[], rejected_rows_not_listed: 0,
    format: null as Fingerprint['format'] | null, encoding: null as string | null, received_at: receivedAt.toISOString(),
    ...uploadedAs(request),
  };
  const finish = async (report: Omit<IngestReport, 'finished_at'>): Promise<IngestReport> => {
    const done = { ...report, finished_at: platform.now().toISOString() };
    await platform.storage.put(reportKey(done.upload_id), JSON.stringify(done, null, 1));
    return done;
  };

  try {
    const { dataset, partner } = checkAgreement(platform, request);
    const period = checkPeriod(request);
    const print = await fingerprint(request.source);
    base.format = print.format;
    base.encoding = print.format === 'csv' ? print.encoding : null;
    const contentKey = [print.sha256, dataset.id, partner, request.periodFrom ?? '', request.periodTo ?? ''].join('|');
    // Only what already counts is a no-op: an earlier upload of this content that a later extract superseded is
    // ingested again and becomes the latest for its period.
    const earlier = await platform.catalog.findByContent(contentKey);
    if (earlier?.counting) return duplicateOf(platform, earlier.entry.upload_id, base, uploadId);

    const key = curatedKey(dataset.id, uploadId);
    const references = vaultKey(dataset.id, uploadId);
    const pseudonyms = await Pseudonymiser.create(platform.keys, partner);
    const sink = new ParquetSink(storedColumns(dataset), platform.storage.openWriter(key));
    const vault = new ReferenceVaultWriter(platform.storage.openWriter(references), pseudonyms.referenceKey, dataset.id, uploadId);
    // Until the catalog records the extract, every way out removes what it wrote.
    let closing = false;
    const discard = async () => {
      await Promise.allSettled([sink.abort(), vault.abort()]);
      if (closing) await Promise.allSettled([platform.storage.delete(key), platform.storage.delete(references)]);
    };
    let outcome: Awaited<ReturnType<typeof validateAndWrite>>;
    let committed: Awaited<ReturnType<Platform['catalog']['add']>>;
    let committing = false;
    try {
      outcome = await validateAndWrite(platform, request, dataset, partner, period, print, { sink, vault, pseudonyms }, base);
      const extractErrors = extractProblems(platform, base);
      if (extractErrors.length) {
        await discard();
        return await finish({ ...base, status: 'rejected', errors: [...extractErrors, ...outcome.errors] });
      }
      closing = true;
      await sink.close();
      await vault.close();
      await request.beforeCommit?.();
      const periodFrom = dataset.kind === 'event' ? (period.from ?? outcome.minDay) : period.from;
      const periodTo = dataset.kind === 'event' ? (period.to ?? outcome.maxDay) : period.to;
      committing = true;
      committed = await platform.catalog.add({
        upload_id: uploadId, dataset: dataset.id, partner, content_key: contentKey, file: key, rows: base.rows_accepted,
        period_from: periodFrom === null ? null : dayToIso(periodFrom), period_to: periodTo === null ? null : dayToIso(periodTo),
        accepted_at: platform.now().toISOString(),
      });
    } catch (error) {
      const recorded = committing ? await recordedAs(platform, contentKey, uploadId) : false;
      if (recorded === false) await discard();
      progress.accepted = recorded === true;
      throw error;
    }
    progress.accepted = committed.added;
    if (!committed.added) {
      // The same file landed from a concurrent upload first; this copy is surplus.
      await discard();
      return duplicateOf(platform, committed.entry.upload_id, base, uploadId);
    }
    const linkage = request.linkOnArrival === false ? undefined : await linkArrival(platform, dataset, uploadId, request.onLinking);
    const warnings = [...outcome.warnings, ...await historyWarnings(platform, dataset, partner, {
      upload_id: uploadId, columns_sent: outcome.columnsSent, period_from: committed.entry.period_from, period_to: committed.entry.period_to,
    })];
    return finish({
      ...base, status: 'accepted', errors: outcome.errors, warnings, columns_sent: outcome.columnsSent,
      period_from: committed.entry.period_from, period_to: committed.entry.period_to,
      supersedes: supersededBy(dataset, committed.before, committed.after),
      ...(committed.restores ? { restores: committed.restores } : {}),
      ...(linkage ? { linkage } : {}),
    });
  } catch (error) {
    if (error instanceof ExtractRejected) {
      return finish({ ...base, rows_accepted: 0, rows_rejected: base.rows_read, status: 'rejected', errors: error.errors });
    }
    throw error;
  }
}

/**
 * Links the accepted extract's new person records (functions/linkage/arrival.ts). The extract counts whatever
 * happens here: a link that fails writes no links (its part is removed, the pointer is untouched), and says so in
 * the report; the next linking run links those records.
 */
async function linkArrival(platform: Platform, dataset: Dataset, uploadId: string, progress?: (message: string) => void): Promise<IngestReport['linkage']> {
  if (!linkSources().some((s) => s.dataset === dataset.id)) return undefined;
  try {
    const linked = await linkOnArrival(platform, { dataset: dataset.id, upload_id: uploadId }, { progress });
    return { records: linked.records, joined: linked.joined, new_people: linked.newPeople };
  } catch (error) {
    if (diskFault(error)) throw error;
    const failed = error instanceof PreconditionFailed ? 'the person links kept changing while it was linked' : 'linking failed';
    console.error(JSON.stringify({ event: 'arrival_link_failed', upload_id: uploadId, dataset: dataset.id, error: (error as Error).name }));
    return { failed };
  }
}

/**
 * The answer to an upload of what already counts: the earlier upload's report, saying so (or this one's counts
 * under the earlier id, when that upload is still writing its report).
 */
async function duplicateOf(platform: Platform, uploadId: string, base: Omit<IngestReport, 'status' | 'errors' | 'finished_at'>, attempt: string): Promise<IngestReport> {
  const report = await getJson<IngestReport>(platform.storage, reportKey(uploadId));
  const { restores: _, ...earlier } = report?.value ?? { ...base, status: 'accepted' as const, errors: [], finished_at: '' };
  const duplicate = { ...earlier, upload_id: uploadId, supersedes: [], duplicate_of: uploadId };
  // The attempt is listed too, under its own id, as who sent it and when, saying it changed nothing.
  const { file_name, uploaded_by, received_at } = base;
  if (attempt !== uploadId) await platform.storage.put(reportKey(attempt), JSON.stringify({ ...duplicate, upload_id: attempt, file_name, uploaded_by, received_at, finished_at: platform.now().toISOString() }, null, 1));
  return duplicate;
}

/** The file's name (in safe characters) and who sent it. */
function uploadedAs(request: IngestRequest): { file_name?: string; uploaded_by?: string } {
  const name = safeFileName(request.fileName);
  return { ...(name ? { file_name: name } : {}), ...(request.uploadedBy ? { uploaded_by: request.uploadedBy } : {}) };
}

/** Whether the catalog holds the extract under this upload; null when that cannot be told (gc decides later). */
async function recordedAs(platform: Platform, contentKey: string, uploadId: string): Promise<boolean | null> {
  try {
    return (await platform.catalog.findByContent(contentKey))?.entry.upload_id === uploadId;
  } catch {
    return null;
  }
}

function extractProblems(platform: Platform, counts: { rows_read: number; rows_rejected: number }): ExtractError[] {
  const rejectedShare = counts.rows_read === 0 ? 1 : counts.rows_rejected / counts.rows_read;
  if (counts.rows_read === 0) return [{ line: null, column: null, code: 'no_rows', message: 'the extract has a header but no data rows' }];
  if (rejectedShare <= platform.agreement.ingest.maxRejectedShare) return [];
  return [{
    line: null, column: null, code: 'too_many_rejected',
    message: `${counts.rows_rejected} of ${counts.rows_read} rows (${(100 * rejectedShare).toFixed(1)}%) were rejected, more than the agreement's ${100 * platform.agreement.ingest.maxRejectedShare}%: the extract is rejected whole`,
  }];
}

function checkAgreement(platform: Platform, request: IngestRequest): { dataset: Dataset; partner: string } {
  const partner = platform.agreement.partners.find((p) => p.id === request.partner);
  if (!partner) {
    throw new ExtractRejected([{ line: null, column: null, code: 'unknown_partner', message: `${request.partner} is not a partner of the agreement` }]);
  }
  if (!partner.datasets.includes(request.dataset)) {
    throw new ExtractRejected([{ line: null, column: null, code: 'not_in_agreement', message: `the agreement does not let ${partner.id} share ${request.dataset}; it may share ${partner.datasets.join(', ')}` }]);
  }
  return { dataset: getDataset(request.dataset), partner: partner.id };
}

function checkPeriod(request: IngestRequest): { from: number | null; to: number | null } {
  const parse = (value: string | undefined, name: string) => {
    if (value === undefined) return null;
    const day = isoToDay(value);
    if (day === null) throw new ExtractRejected([{ line: null, column: null, code: 'invalid_period', message: `${name} is not a date in the form YYYY-MM-DD` }]);
    return day;
  };
  const from = parse(request.periodFrom, 'period_from');
  const to = parse(request.periodTo, 'period_to');
  if (from !== null && to !== null && from > to) {
    throw new ExtractRejected([{ line: null, column: null, code: 'invalid_period', message: 'period_from is after period_to' }]);
  }
  return { from, to };
}

async function validateAndWrite(
  platform: Platform, request: IngestRequest, dataset: Dataset, partner: string,
  period: { from: number | null; to: number | null }, print: Fingerprint,
  { sink, vault, pseudonyms }: { sink: ParquetSink; vault: ReferenceVaultWriter; pseudonyms: Pseudonymiser },
  counts: {
    rows_read: number; rows_accepted: number; rows_rejected: number; columns_ignored: string[];
    rejections: RejectionCount[]; rejected_rows_not_listed: number;
  },
) {
  const batches: AsyncIterable<readonly FileRecord[]> = print.format === 'xlsx'
    ? oneByOne(readXlsx(request.source))
    : readCsvBatches(decodeText(request.source(), print.encoding));
  const columns = storedColumns(dataset);
  const toStored = storedRowBuilder(dataset, platform.area, partner, pseudonyms, (recordKey, reference) => vault.add(recordKey, reference), columns);
  const stored: StoredValue[] = new Array(columns.length).fill(null);
  const eventColumn = dataset.eventDate;
  const eventIsDatetime = dataset.columns.find((c) => c.name === eventColumn)?.type.kind === 'datetime';
  const seen = dataset.uniqueId ? new SeenIds() : null;
  const rejections = new RowRejections();
  const outsideArea = outsideAreaCounter(dataset, columns);
  let minDay: number | null = null, maxDay: number | null = null;
  let header: ReturnType<typeof matchHeader> | null = null;
  let validate: ReturnType<typeof rowValidator> | null = null;
  let width = 0;
  const reject = (line: number, rowErrors: { column: string | null; code: string; message: string }[]) => {
    counts.rows_rejected++;
    rejections.add(line, rowErrors);
  };
  // A reader's problem names the field by position: its schema column where it fills one, else "column N".
  const fieldName = (index: number | null) =>
    index === null || index >= width ? null : (header!.columns[index] ?? columnLabel(index));

  for await (const batch of batches) for (const record of batch) {
    if (!header) {
      if (record.problem) throw headerProblem(record.problem.code, record.problem.index);
      header = matchHeader(dataset, platform.agreement.partners.find((p) => p.id === partner)!, record.cells);
      counts.columns_ignored = header.ignored;
      validate = rowValidator(dataset, header.columns, todayDay(platform.now()));
      width = record.cells.length;
      continue;
    }
    counts.rows_read++;
    if (counts.rows_read % PROGRESS_EVERY === 0) request.onProgress?.({ rows_read: counts.rows_read, rows_rejected: counts.rows_rejected });
    const line = record.line;
    if (record.problem) {
      reject(line, [{ column: fieldName(record.problem.index), code: record.problem.code, message: record.problem.message }]);
      continue;
    }
    // A spreadsheet row simply ends at its last filled cell; a CSV row must have the header's width.
    const tooShort = record.cells.length < width && print.format === 'csv';
    const tooLong = record.cells.length > width && record.cells.slice(width).some((c) => c !== '');
    if (tooShort || tooLong) {
      reject(line, [{ column: null, code: 'field_count', message: `the row has ${record.cells.length} fields where the header has ${width}` }]);
      continue;
    }
    const result = validate!(record.cells);
    if (!result.ok) { reject(line, result.errors); continue; }
    const row = result.row;
    let day: number | null = null;
    if (eventColumn) {
      const value = row[eventColumn] as number;
      day = eventIsDatetime ? millisToDay(value) : value;
      if ((period.from !== null && day < period.from) || (period.to !== null && day > period.to)) {
        reject(line, [{ column: eventColumn, code: 'outside_period', message: `${eventColumn} is outside the extract's period` }]);
        continue;
      }
    }
    if (seen && !seen.add(row[dataset.uniqueId!] as string)) {
      reject(line, [{ column: dataset.uniqueId, code: 'duplicate_id', message: `${dataset.uniqueId} repeats an earlier row of this extract (the first is kept)` }]);
      continue;
    }
    toStored(row, stored);
    outsideArea.count(row, stored);
    const written = sink.append(stored);
    if (written) await written;
    if (counts.rows_accepted % VAULT_CHUNK === VAULT_CHUNK - 1) await vault.flush();
    counts.rows_accepted++;
    if (day !== null) {
      if (minDay === null || day < minDay) minDay = day;
      if (maxDay === null || day > maxDay) maxDay = day;
    }
  }
  if (!header) throw new ExtractRejected([{ line: 1, column: null, code: 'no_header', message: 'the file is empty: it needs a header row' }]);
  counts.rejections = rejections.summary();
  counts.rejected_rows_not_listed = rejections.notListed;
  const columnsSent = dataset.columns.filter((c) => header!.present.has(c.name)).map((c) => c.name);
  const warnings: IngestWarning[] = outsideArea.warnings(platform.area.name);
  return { errors: rejections.listed, minDay, maxDay, columnsSent, warnings };
}

async function* oneByOne(records: AsyncIterable<FileRecord>): AsyncIterable<readonly FileRecord[]> {
  for await (const record of records) yield [record];
}

function headerProblem(code: string, index: number | null): ExtractRejected {
  if (code === 'invalid_quote') {
    return new ExtractRejected([{ line: 1, column: index === null ? null : columnLabel(index), code, message: 'a quoted header cell has text after its closing quote' }]);
  }
  return new ExtractRejected([{ line: 1, column: index === null ? null : columnLabel(index), code: 'header_too_long', message: `the header row holds a cell longer than ${HEADER_CELL_MAX} characters, or is too long: is the first row the header?` }]);
}
