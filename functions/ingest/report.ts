import type { ExtractError } from './errors.ts';

/** The validation report of one upload (DESIGN.md contract). rows_read = rows_accepted + rows_rejected. */
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
  columns_ignored: string[];
  errors: ExtractError[];
  supersedes: string[];
  /** Set when the same file was uploaded before and all of it still counts: nothing changed, this is the earlier upload. */
  duplicate_of?: string;
  /**
   * Set when the same file was uploaded before as this upload but a later extract had superseded some of it: it
   * was ingested again as the latest extract for its period, and counts again from now.
   */
  restores?: string;
  format: 'csv' | 'xlsx' | null;
  encoding: string | null;
  received_at: string;
  finished_at: string;
}

export const reportKey = (uploadId: string) => `reports/${uploadId}.json`;
