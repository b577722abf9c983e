import type { AuditEntry } from '../../platform/audit/port.ts';
import type { QueryResult } from '../../platform/sql/port.ts';
import { DataTable, may } from '../layout.tsx';
import { portalUser, type Portal } from '../page-context.ts';

const EXAMPLE = 'SELECT locality, count(*) AS crimes\nFROM police_crime\nGROUP BY 1\nORDER BY 2 DESC';

export function registerAdminPages(portal: Portal) {
  const { app } = portal;

  const sqlPage = (sql: string, body: unknown) => (
    <>
      <form method="post" action="/portal/sql" class="panel">
        <label for="sql">Read-only SQL over the pseudonymised tables (one SELECT; at most 10,000 rows and 10 seconds)</label>
        <textarea id="sql" name="sql" rows={8}>{sql}</textarea>
        <p><button type="submit">Run</button></p>
      </form>
      {body}
    </>
  );

  app.get('/portal/sql', (c) => {
    const user = portalUser(c);
    if (!may(user, 'query.run')) return portal.problem(c, 'SQL', { status: 403, data: { message: `role ${user.role} may not query.run` } });
    return portal.page(c, 'SQL', sqlPage(EXAMPLE, null));
  });

  app.post('/portal/sql', async (c) => {
    const form = await c.req.parseBody();
    const sql = typeof form.sql === 'string' ? form.sql : '';
    const result = await portal.api(c, 'POST', '/v1/queries', { sql });
    if (result.status === 403 || result.status === 401) return portal.problem(c, 'SQL', result);
    if (result.status !== 200) return portal.page(c, 'SQL', sqlPage(sql, <p class="error" role="alert">{result.data.message}</p>), result.status);
    const q = result.data as QueryResult;
    const names = q.columns.map((col) => col.name);
    return portal.page(c, 'SQL', sqlPage(sql, (
      <section>
        <p role="status">{q.rows.length} row(s){q.truncated ? ', truncated at the limit' : ''}.</p>
        <DataTable columns={names} rows={q.rows.map((r) => names.map((n) => r[n] as string | number | null))} />
      </section>
    )));
  });

  app.get('/portal/audit', async (c) => {
    const params = new URLSearchParams();
    for (const name of ['user', 'outcome', 'from', 'to']) if (c.req.query(name)) params.set(name, c.req.query(name)!);
    params.set('limit', '500');
    const result = await portal.api(c, 'GET', `/v1/audit?${params}`);
    if (result.status !== 200) return portal.problem(c, 'Audit trail', result);
    const entries = (result.data.entries as AuditEntry[]).slice().reverse();
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
          <p>{entries.length} entries, newest first (at most 500).</p>
          <DataTable columns={['time', 'user', 'role', 'method', 'route', 'scope', 'touched', 'outcome', 'status', 'reason']}
            rows={entries.map((e) => [e.time.slice(0, 19).replace('T', ' '), e.user, e.role, e.method, e.route, Object.entries(e.scope).map(([k, v]) => `${k}=${v}`).join(' '),
              Object.entries(e.touched ?? {}).map(([k, v]) => `${k}=${v.length > 20 ? v.slice(0, 12) + '…' : v}`).join(' '), e.outcome, e.status, e.reason])} />
        </section>
      </>
    ));
  });
}
