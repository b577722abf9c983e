/**
 * How much of one record a reader keeps. A cell may hold at most 32,767 characters (Excel's own limit for a
 * cell) and a record at most 1 MiB of text; past either, the reader stops keeping the record's text and the row is
 * rejected, so that one huge cell or row never fills memory.
 */
export const CELL_MAX = 32_767;
export const RECORD_MAX = 1 << 20;

/** Why a reader could not take a record whole; index is the field's position in the record, where known. */
export interface RecordProblem {
  index: number | null;
  code: 'invalid_quote' | 'cell_too_long' | 'row_too_long';
  message: string;
}

export const recordProblems = {
  cellTooLong: `a cell is longer than ${CELL_MAX.toLocaleString('en-GB')} characters`,
  rowTooLong: `the record is longer than ${RECORD_MAX.toLocaleString('en-GB')} characters`,
};
