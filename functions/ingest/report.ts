import type { ExtractError } from './errors.ts';
import type { RejectionCount } from './rejections.ts';
import type { IngestWarning } from './warnings.ts';

/** The validation report of one upload, as partners receive it. rows_read = rows_accepted + rows_rejected. */
export interface IngestReport {
  upload_id: string;
  dataset: string;
  partner: string;
  status: 'accepted' | 'rejected';
  period_from: string | null;
  period_to: string | null;
  rows_read: number;
  rows_accepted: number;
  rows_rejected: number;
  /** The file's columns not in the schema, by position ("column 7"): their header text is never kept. */
  columns_ignored: string[];
  /** Extract problems, then the first 1,000 rejected rows' problems in full. */
  errors: ExtractError[];
  /** Every rejected row counted by column and code, listed or not. */
  rejections: RejectionCount[];
  /** Rejected rows past the first 1,000: counted in `rejections`, not listed in `errors`. */
  rejected_rows_not_listed: number;
  supersedes: string[];
  /** What looks like a mistake but rejected nothing (reports stored before warnings existed have none). */
  warnings?: IngestWarning[];
  /** The schema's columns the file's header held (names from the schema, never the header's own text). */
  columns_sent?: string[];
  /** The file's name as sent, reduced to safe characters; who sent it (a user id, or `cli`). */
  file_name?: string;
  uploaded_by?: string;
  /** Set when the same file was uploaded before and all of it still counts: nothing changed, this is the earlier upload. */
  duplicate_of?: string;
  /**
   * Set when the same file was uploaded before as this upload but a later extract had superseded some of it: it
   * was ingested again as the latest extract for its period, and counts again from now.
   */
  restores?: string;
  /**
   * Its person records linked on arrival: how many were new, how many joined a stored person, how many are new
   * people. `failed` when linking failed: the extract still counts, its records have no person until the next
   * linking run (vrn link, the scheduled refresh), and no links were written.
   */
  linkage?: { records: number; joined: number; new_people: number } | { failed: string };
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  received_at: string;
  finished_at: string;
}

export const reportKey = (uploadId: string) => `reports/${uploadId}.json`;

/** A file's name without its folders, in safe characters only (it is shown in lists and never holds more). */
export const safeFileName = (name: string | undefined) =>
  name?.split(/[\\/]/).pop()?.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 120) || undefined;
