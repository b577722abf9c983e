import type { ExplainedCohort } from '../../products/cohort.ts';
import { reidentificationReasons } from '../../../schemas/access.ts';
import { DataTable, may } from '../layout.tsx';
import { Legend } from './panel.tsx';
import { portalUser, type Portal } from '../page-context.ts';

export function registerCohortPages(portal: Portal) {
  const { app, deps } = portal;
  const panels = deps.platform.area.panels;

  app.get('/portal/cohort', async (c) => {
    const user = portalUser(c);
    const defaults = await portal.defaults();
    const panel = user.panel ?? c.req.query('panel') ?? panels[0].id;
    const asOf = c.req.query('as_of') || defaults.asOf;
    const path = `/v1/panels/${encodeURIComponent(panel)}/cohort?as_of=${encodeURIComponent(asOf)}`;
    const result = await portal.api(c, 'GET', path);
    if (result.status !== 200) return portal.problem(c, 'Prevention Panel cohort', result);
    const cohort = result.data as ExplainedCohort;
    const reveal = may(user, 'cohort.reidentify');
    return portal.page(c, `${panels.find((p) => p.id === panel)?.name ?? panel}: cohort`, (
      <>
        <form method="get" class="panel inline">
          {!user.panel && <><label for="panel">Panel</label><select id="panel" name="panel">{panels.map((p) => <option value={p.id} selected={p.id === panel}>{p.name}</option>)}</select></>}
          <label for="as_of">As of</label><input id="as_of" name="as_of" type="date" value={asOf} />
          <button type="submit">Show</button>
        </form>
        <section>
          <h2>{cohort.count} children aged 10–17 meet the criteria on {cohort.as_of}</h2>
          <p class="muted">Pseudonymised: person ids link records across partners without naming anyone.
            {reveal ? ' You may re-identify the records your own organisation supplied, with a reason; each reveal is audited.' : ''}</p>
          <p class="muted" id="linkage">{cohort.linkage === 'fuzzy'
            ? 'Records are linked into people by fuzzy linkage: spelling variants, nicknames and typos link across partners.'
            : 'Records are linked into people by exact identifiers only: people have not been linked for this data yet.'}
            {cohort.linkage_note ? ` Note: ${cohort.linkage_note}.` : ''}</p>
          <p class="downloads"><a href={`${path}&format=csv`} download="">Cohort (CSV)</a><a href={`${path}&format=xlsx`} download="">Cohort (XLSX)</a></p>
          <div class="scroll"><table>
            <thead><tr>{['person', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'why listed', 'events in the last 12 months', 'last event', 'partners', ...(reveal ? ['re-identify'] : [])].map((h) => <th scope="col">{h}</th>)}</tr></thead>
            <tbody>{cohort.members.map((m) => (
              <tr>
                <td class="id">{m.person_id}</td><td class="n">{m.age}</td><td>{m.sex ?? '—'}</td><td>{m.locality}</td><td>{m.criteria.join(', ')}</td>
                <td>{m.factors.join(', ') || '—'}</td><td class="n">{m.score}</td>
                <td><ul class="reasons">{m.reasons.map((x) => <li>{x}</li>)}</ul></td><td class="events">{m.events_words}</td><td class="date">{m.last_event_date ?? '—'}</td><td>{m.partners.join(', ')}</td>
                {reveal && (
                  <td>
                    {m.partners.includes(user.organisation ?? '') ? (
                      <form class="row" method="post" action="/portal/cohort/reidentify">
                        <input type="hidden" name="panel" value={panel} /><input type="hidden" name="as_of" value={asOf} /><input type="hidden" name="person_id" value={m.person_id} />
                        <label class="sr-only" for={`reason-${m.person_id}`}>Reason for re-identifying {m.person_id}</label>
                        <select id={`reason-${m.person_id}`} name="reason">{Object.entries(reidentificationReasons).map(([id, text]) => <option value={id}>{text}</option>)}</select>
                        <button type="submit" aria-label={`Re-identify ${m.person_id}`}>Re-identify</button>
                      </form>
                    ) : <span class="muted">no records of yours</span>}
                  </td>
                )}
              </tr>
            ))}</tbody>
          </table></div>
        </section>
        <Legend legend={cohort.legend} />
      </>
    ));
  });

  app.post('/portal/cohort/reidentify', async (c) => {
    const form = await c.req.parseBody();
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] as string : '');
    const result = await portal.api(c, 'POST', `/v1/panels/${encodeURIComponent(field('panel'))}/cohort/${encodeURIComponent(field('person_id'))}/reidentify`, { as_of: field('as_of'), reason: field('reason') });
    if (result.status !== 200) return portal.problem(c, 'Re-identification', result);
    const r = result.data as { person_id: string; organisation: string; reason: keyof typeof reidentificationReasons; records: { dataset: string; upload_id: string; reference: string | null }[]; other_organisations_records: number };
    c.header('cache-control', 'no-store');
    return portal.page(c, `Re-identification: ${r.person_id}`, (
      <section>
        <p>Your organisation's own references for this child ({reidentificationReasons[r.reason]}). This reveal is recorded in the audit trail.
          Look the references up in your own case system; do not copy them into other systems.</p>
        <DataTable caption={`Records supplied by ${r.organisation}`} columns={['dataset', 'upload', 'your reference']} rows={r.records.map((x) => [x.dataset, x.upload_id, x.reference])} />
        <p class="muted">{r.other_organisations_records} record(s) from other organisations are not shown: only the supplying organisation may re-identify them.</p>
        <p><a href={`/portal/cohort`}>Back to the cohort</a></p>
      </section>
    ));
  });
}
