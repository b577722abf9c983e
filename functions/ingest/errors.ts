/** One problem found in an extract: the line where the record starts (header = 1), the column and why. */
export interface ExtractError {
  line: number | null;
  column: string | null;
  code: string;
  message: string;
}

/** A problem that rejects the whole extract (cannot be decoded or parsed, header unusable, not permitted). */
export class ExtractRejected extends Error {
  constructor(readonly errors: ExtractError[]) {
    super(errors.map((e) => `${e.line !== null ? `line ${e.line}: ` : ''}${e.column ? `${e.column}: ` : ''}${e.message}`).join('; '));
    this.name = 'ExtractRejected';
  }
}
