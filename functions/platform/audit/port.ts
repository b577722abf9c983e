/**
 * The audit trail: one entry per request, allowed or denied. Entries name users, roles, routes and what was
 * touched (product, dataset, upload id, locality, panel), never an identity value.
 */
export interface AuditEntry {
  time: string;
  user: string;
  role: string;
  method: string;
  route: string;
  /** The scope the request asked for: organisation, locality, panel, dataset… as ids from schemas/. */
  scope: Record<string, string>;
  outcome: 'allowed' | 'denied' | 'error';
  status: number;
  /** What the request touched: a product id, a dataset, an upload id. */
  touched?: Record<string, string>;
  reason?: string;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  user?: string;
  outcome?: AuditEntry['outcome'];
  limit?: number;
}

export interface AuditSink {
  append(entry: AuditEntry): Promise<void>;
  /** Entries matching the filter, oldest first. */
  read(filter?: AuditFilter): Promise<AuditEntry[]>;
}
