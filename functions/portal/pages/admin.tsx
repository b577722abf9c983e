import { toCsv } from '../../../analytics/render/csv.ts';
import { datasets } from '../../../schemas/datasets/index.ts';
import { SQL_TYPE } from '../../platform/sql/views.ts';
import { storedColumns } from '../../../schemas/stored.ts';
import type { AuditEntry } from '../../platform/audit/port.ts';
import type { QueryResult } from '../../platform/sql/port.ts';
import { DataTable, may } from '../layout.tsx';
import { PORTAL_API, portalUser, type Portal } from '../page-context.ts';

const EXAMPLE = 'SELECT locality, count(*) AS crimes\nFROM police_crime\nGROUP BY 1\nORDER BY 2 DESC';
/** Result rows shown on one page of the SQL page (the query's own limit is the API's). */
const SQL_PAGE = 100;
/** Audit entries on one page of the audit page, unless ?size= says otherwise. */
const AUDIT_PAGE = 100;

/** The tables an analyst may query and their columns, from the definitions (what the views hold). */
function Tables() {
  return (
    <aside class="panel tables" aria-labelledby="tables-head">
      <h2 id="tables-head">Tables</h2>
      {Object.values(datasets).map((d) => (
        <details>
          <summary><code>{d.id}</code> <span class="muted">{d.title}</span></summary>
          <ul>{[...storedColumns(d), { name: 'upload_id', type: 'string' as const, description: 'The upload the row came from' }].map((c) => (
            <li><code>{c.name}</code> <span class="muted">{SQL_TYPE[c.type].toLowerCase()}</span>{c.description ? ` — ${c.description}` : ''}</li>
          ))}</ul>
        </details>
      ))}
    </aside>
  );
}

/** Pages of a result: buttons that run the query again and show another slice (the form carries the SQL). */
function ResultPager(props: { where: string; sql: string; page: number; pages: number; rows: number }) {
  if (props.pages <= 1) return null;
  const from = (props.page - 1) * SQL_PAGE + 1;
  return (
    <form method="post" action="/portal/sql" class="row pager" aria-label={`pages of the result (${props.where} the table)`}>
      <input type="hidden" name="sql" value={props.sql} />
      <span>Rows {from} to {Math.min(props.rows, from + SQL_PAGE - 1)} of {props.rows}, page {props.page} of {props.pages}.</span>
      {props.page > 1 && <button type="submit" name="page" value={String(props.page - 1)}>Previous page</button>}
      {props.page < props.pages && <button type="submit" name="page" value={String(props.page + 1)}>Next page</button>}
    </form>
  );
}

export function registerAdminPages(portal: Portal) {
  const { app } = portal;

  const sqlPage = (sql: string, body: unknown) => (
    <div class="sql-layout">
      <div class="sql-main">
        <form method="post" action="/portal/sql" class="panel">
          <label for="sql">Read-only SQL over the pseudonymised tables (one SELECT; at most 10,000 rows and 10 seconds)</label>
          <textarea id="sql" name="sql" rows={8}>{sql}</textarea>
          <p class="row"><button type="submit">Run</button> <button type="submit" formaction="/portal/sql/csv">Download the result (CSV)</button></p>
        </form>
        {body}
      </div>
      <Tables />
    </div>
  );

  const runSql = async (c: Parameters<Portal['page']>[0]) => {
    const form = await c.req.parseBody();
    const sql = typeof form.sql === 'string' ? form.sql : '';
    const page = Math.max(1, Math.floor(Number(form.page)) || 1);
    return { sql, page, result: await portal.api(c, 'POST', '/v1/queries', { sql }) };
  };

  app.get('/portal/sql', (c) => {
    const user = portalUser(c);
    if (!may(user, 'query.run')) return portal.problem(c, 'SQL', { status: 403, data: { message: `role ${user.role} may not query.run` } });
    return portal.page(c, 'SQL', sqlPage(EXAMPLE, null));
  });

  app.post('/portal/sql', async (c) => {
    const { sql, page: asked, result } = await runSql(c);
    if (result.status === 403 || result.status === 401) return portal.problem(c, 'SQL', result);
    if (result.status !== 200) return portal.page(c, 'SQL', sqlPage(sql, <p class="error" role="alert">{result.data.message}</p>), result.status);
    const q = result.data as QueryResult & { max_rows: number };
    const names = q.columns.map((col) => col.name);
    const pages = Math.max(1, Math.ceil(q.rows.length / SQL_PAGE));
    const page = Math.min(asked, pages);
    const pager = { sql, page, pages, rows: q.rows.length };
    return portal.page(c, 'SQL', sqlPage(sql, (
      <section class="result">
        <p role="status">{q.rows.length} row(s){q.truncated ? `, truncated at the limit of ${q.max_rows.toLocaleString('en-GB')}` : ''}.</p>
        <ResultPager where="above" {...pager} />
        <div class="scroll result-table">
          <DataTable columns={names} rows={q.rows.slice((page - 1) * SQL_PAGE, page * SQL_PAGE).map((r) => names.map((n) => r[n] as string | number | null))} />
        </div>
        <ResultPager where="below" {...pager} />
      </section>
    )));
  });

  // The whole result as CSV, within the query's row limit; cells that a spreadsheet would run are neutralised.
  app.post('/portal/sql/csv', async (c) => {
    const { sql, result } = await runSql(c);
    if (result.status === 403 || result.status === 401) return portal.problem(c, 'SQL', result);
    if (result.status !== 200) return portal.page(c, 'SQL', sqlPage(sql, <p class="error" role="alert">{result.data.message}</p>), result.status);
    const q = result.data as QueryResult;
    const names = q.columns.map((col) => col.name);
    c.header('content-disposition', 'attachment; filename="query-result.csv"');
    c.header('cache-control', 'no-store');
    return c.body(toCsv({ columns: names, rows: q.rows.map((r) => names.map((n) => r[n] as string | number | null)) }), 200, { 'content-type': 'text/csv; charset=utf-8' });
  });

  app.get('/portal/audit', async (c) => {
    const filters = new URLSearchParams();
    for (const name of ['user', 'outcome', 'from', 'to']) if (c.req.query(name)) filters.set(name, c.req.query(name)!);
    const page = Math.max(1, Math.floor(Number(c.req.query('page'))) || 1);
    const size = Math.min(500, Math.max(1, Math.floor(Number(c.req.query('size'))) || AUDIT_PAGE));
    if (size !== AUDIT_PAGE) filters.set('size', String(size));
    const result = await portal.api(c, 'GET', `/v1/audit?${new URLSearchParams([...filters].filter(([k]) => k !== 'size'))}&limit=${size}&offset=${(page - 1) * size}`);
    if (result.status !== 200) return portal.problem(c, 'Audit trail', result);
    const entries = (result.data.entries as AuditEntry[]).slice().reverse();
    const total = result.data.total as number;
    const pages = Math.max(1, Math.ceil(total / size));
    const link = (to: number) => `/portal/audit?${new URLSearchParams([...filters, ['page', String(to)]])}`;
    const pager = (where: string) => pages > 1 && (
      <nav class="pager downloads" aria-label={`pages of the trail (${where} the table)`}>
        <span>Entries {total === 0 ? 0 : (page - 1) * size + 1} to {(page - 1) * size + entries.length} of {total}, newest first, page {page} of {pages}.</span>{' '}
        {page > 1 && <a href={link(page - 1)} rel="prev">Newer entries</a>}
        {page < pages && <a href={link(page + 1)} rel="next">Older entries</a>}
      </nav>
    );
    return portal.page(c, 'Audit trail', (
      <>
        <form method="get" class="panel inline">
          <label for="user">User</label><input id="user" name="user" value={c.req.query('user') ?? ''} />
          <label for="outcome">Outcome</label>
          <select id="outcome" name="outcome"><option value="">any</option>{['allowed', 'denied', 'error'].map((o) => <option value={o} selected={c.req.query('outcome') === o}>{o}</option>)}</select>
          <label for="from">From</label><input id="from" name="from" type="date" value={c.req.query('from') ?? ''} />
          <label for="to">To</label><input id="to" name="to" type="date" value={c.req.query('to') ?? ''} />
          <button type="submit">Filter</button>
        </form>
        <section>
          <p>{total} matching entries, newest first.</p>
          <p class="downloads"><a href={`${PORTAL_API}/audit?${new URLSearchParams([...[...filters].filter(([k]) => k !== 'size'), ['format', 'csv'], ['limit', '5000']])}`} download="">Export these entries (CSV, the newest 5,000)</a></p>
          {pager('above')}
          <div class="scroll">
            <DataTable columns={['time', 'user', 'role', 'method', 'route', 'scope', 'touched', 'outcome', 'status', 'reason']}
              rows={entries.map((e) => [e.time.slice(0, 19).replace('T', ' '), e.user, e.role, e.method, e.route, Object.entries(e.scope).map(([k, v]) => `${k}=${v}`).join(' '),
                Object.entries(e.touched ?? {}).map(([k, v]) => `${k}=${v.length > 20 ? v.slice(0, 12) + '…' : v}`).join(' '), e.outcome, e.status, e.reason])} />
          </div>
          {pager('below')}
        </section>
      </>
    ));
  });
}
