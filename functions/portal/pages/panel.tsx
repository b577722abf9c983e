import type { ListRow } from '../../../analytics/panel/meeting-list.ts';
import type { legend } from '../../../analytics/panel/reasons.ts';
import { consents, decisions, otherServices, outcomes, statuses } from '../../../schemas/panel.ts';
import type { PanelList } from '../../panels/panels.ts';
import { may } from '../layout.tsx';
import { PORTAL_API, portalUser, type Portal } from '../page-context.ts';

const FILTERS = ['meeting', 'status', 'criterion', 'locality', 'age_from', 'age_to', 'min_score', 'sort'] as const;

function Select(props: { id: string; name: string; label: string; options: [string, string][]; value?: string; blank?: string }) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.blank !== undefined && <option value="">{props.blank}</option>}
        {props.options.map(([v, text]) => <option value={v} selected={v === props.value}>{text}</option>)}
      </select>
    </>
  );
}

/** A member's decision form: selects and dates only, starting from the last decision; nothing to type about the child. */
function DecisionForm(props: { panel: string; meeting: string; row: ListRow; programmes: [string, string][] }) {
  const d = props.row.decision;
  const id = (f: string) => `${f}-${props.row.person_id}`;
  return (
    <form method="post" action="/portal/panel/decide" class="row decision">
      <input type="hidden" name="panel" value={props.panel} /><input type="hidden" name="meeting" value={props.meeting} /><input type="hidden" name="person_id" value={props.row.person_id} />
      <Select id={id('decision')} name="decision" label={`Decision for ${props.row.person_id}`} options={Object.entries(decisions)} value={d?.decision} />
      <Select id={id('programme')} name="programme" label="Programme" options={props.programmes} value={d?.programme} blank="—" />
      <Select id={id('service')} name="service" label="Other service" options={Object.entries(otherServices)} value={d?.service} blank="—" />
      <Select id={id('consent')} name="consent" label="Consent" options={Object.entries(consents)} value={d?.consent} blank="—" />
      <label for={id('start')}>Support starts</label><input id={id('start')} name="support_start" type="date" value={d?.support_start ?? ''} />
      <Select id={id('outcome')} name="outcome" label="Outcome at follow-up" options={Object.entries(outcomes)} value={d?.outcome} blank="—" />
      <button type="submit">Record<span class="sr-only"> for {props.row.person_id}</span></button>
    </form>
  );
}

/** The criteria in words with their weights, from the deployment's rules (analytics/panel/reasons.ts). */
export function Legend(props: { legend: ReturnType<typeof legend> }) {
  return (
    <section id="legend">
      <h2>Criteria and weights</h2>
      <table><thead><tr><th scope="col">code</th><th scope="col">kind</th><th scope="col">meaning</th><th scope="col">weight</th></tr></thead>
        <tbody>{props.legend.criteria.map((l) => <tr><td>{l.code}</td><td>{l.kind}</td><td>{l.words}</td><td class="n">{l.weight}</td></tr>)}</tbody></table>
      <p class="muted">{props.legend.excluded} {props.legend.score}</p>
    </section>
  );
}

/** The coordinator's panel: record a meeting, the list with statuses and reasons, and each member's decision. */
export function registerPanelPages(portal: Portal) {
  const { app, deps } = portal;
  const panels = deps.platform.area.panels;
  const programmes = deps.platform.deployment.programmes.map((p): [string, string] => [p.id, p.name]);

  app.get('/portal/panel', async (c) => {
    const user = portalUser(c);
    const panel = user.panel ?? c.req.query('panel') ?? panels[0].id;
    const title = `${panels.find((p) => p.id === panel)?.name ?? panel}: meetings`;
    const q = new URLSearchParams(FILTERS.flatMap((f) => (c.req.query(f) ? [[f, c.req.query(f)!]] : [])));
    const meetings = await portal.api(c, 'GET', `/v1/panels/${encodeURIComponent(panel)}/meetings`);
    if (meetings.status !== 200) return portal.problem(c, title, meetings);
    const dates = (meetings.data as { meetings: { date: string }[] }).meetings.map((m) => m.date);
    const listed = dates.length ? await portal.api(c, 'GET', `/v1/panels/${encodeURIComponent(panel)}/list?${q}`) : null;
    if (listed && listed.status !== 200) return portal.problem(c, title, listed);
    const list = listed?.data as PanelList | undefined;
    const write = may(user, 'panel.write');
    const file = (format: string) => `${PORTAL_API}/panels/${encodeURIComponent(panel)}/list?${new URLSearchParams([...q, ['format', format]])}`;
    return portal.page(c, title, (
      <>
        {write && (
          <form method="post" action="/portal/panel/meeting" class="panel inline">
            <input type="hidden" name="panel" value={panel} />
            <label for="date">Meeting date</label><input id="date" name="date" type="date" required />
            <button type="submit">Record the meeting</button>
            <p class="muted">The list on that date is kept; each child is then new since the last meeting, still eligible, or no longer eligible.</p>
          </form>
        )}
        {!list ? <section><p>No meeting of this panel is recorded yet.</p></section> : (
          <>
            <form method="get" class="panel inline" id="filters">
              {!user.panel && <input type="hidden" name="panel" value={panel} />}
              <Select id="meeting" name="meeting" label="Meeting" options={dates.map((d) => [d, d])} value={list.meeting} />
              <Select id="status" name="status" label="Status" options={Object.entries(statuses)} value={c.req.query('status')} blank="any" />
              <Select id="criterion" name="criterion" label="Criterion" options={list.legend.criteria.map((l) => [l.code, l.code])} value={c.req.query('criterion')} blank="any" />
              <Select id="locality" name="locality" label="Locality" options={deps.platform.area.localities.filter((l) => l.panel === panel).map((l) => [l.slug, l.name])} value={c.req.query('locality')} blank="any" />
              <label for="age_from">Age from</label><input id="age_from" name="age_from" type="number" min="0" value={c.req.query('age_from') ?? ''} />
              <label for="age_to">to</label><input id="age_to" name="age_to" type="number" min="0" value={c.req.query('age_to') ?? ''} />
              <label for="min_score">Score at least</label><input id="min_score" name="min_score" type="number" min="0" value={c.req.query('min_score') ?? ''} />
              <Select id="sort" name="sort" label="Sort by" options={[['score', 'score'], ['age', 'age'], ['locality', 'locality'], ['status', 'status'], ['person', 'person id']]} value={c.req.query('sort') ?? 'score'} />
              <button type="submit">Show</button>
            </form>
            <section>
              <h2>Meeting of {list.meeting}: {list.count} children{list.previous ? `, against the meeting of ${list.previous}` : ''}</h2>
              <p class="downloads"><a href={file('csv')} download="">List (CSV)</a><a href={file('xlsx')} download="">List (XLSX)</a></p>
              <div class="scroll"><table id="panel-list">
                <thead><tr>{['person', 'status', 'age', 'locality', 'score', 'why listed', 'events in the last 12 months', 'decision', ...(write ? ['record'] : [])].map((h) => <th scope="col">{h}</th>)}</tr></thead>
                <tbody>{list.rows.map((r) => (
                  <tr data-status={r.status}>
                    <td class="id">{r.person_id}</td>
                    <td>{r.status_words}{r.why && <><br /><span class="why">{r.why}</span></>}{r.seen_again && <><br /><strong class="seen-again">Seen again: {r.seen_again}</strong></>}</td>
                    <td class="n">{r.age}</td><td>{r.locality}</td><td class="n">{r.score}</td>
                    <td><ul class="reasons">{r.reasons.map((x) => <li>{x}</li>)}</ul></td>
                    <td class="events">{r.events_words}</td>
                    <td class="decided">{r.decision ? `${decisions[r.decision.decision]}${r.decision.programme ? `: ${programmes.find(([id]) => id === r.decision!.programme)?.[1]}` : ''}${r.decision.service ? `: ${otherServices[r.decision.service]}` : ''}${r.decision.outcome ? ` (${outcomes[r.decision.outcome]})` : ''}` : '—'}</td>
                    {write && <td><DecisionForm panel={panel} meeting={list.meeting} row={r} programmes={programmes} /></td>}
                  </tr>
                ))}</tbody>
              </table></div>
            </section>
            <Legend legend={list.legend} />
          </>
        )}
      </>
    ));
  });

  const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? form[name] as string : '');

  app.post('/portal/panel/meeting', async (c) => {
    const form = await c.req.parseBody();
    const panel = field(form, 'panel');
    const result = await portal.api(c, 'POST', `/v1/panels/${encodeURIComponent(panel)}/meetings`, { date: field(form, 'date') });
    if (result.status !== 201) return portal.problem(c, 'Record a meeting', result);
    return c.redirect(`/portal/panel${portalUser(c).panel ? '' : `?panel=${encodeURIComponent(panel)}`}`, 303);
  });

  app.post('/portal/panel/decide', async (c) => {
    const form = await c.req.parseBody();
    const panel = field(form, 'panel');
    // Only the form's codes are sent on: an empty select is no field.
    const body = Object.fromEntries(['meeting', 'decision', 'programme', 'service', 'consent', 'support_start', 'outcome']
      .map((f) => [f, field(form, f)]).filter(([, v]) => v !== ''));
    const result = await portal.api(c, 'POST', `/v1/panels/${encodeURIComponent(panel)}/decisions/${encodeURIComponent(field(form, 'person_id'))}`, body);
    if (result.status !== 200) return portal.problem(c, 'Record a decision', result);
    return c.redirect(`/portal/panel?meeting=${encodeURIComponent(field(form, 'meeting'))}${portalUser(c).panel ? '' : `&panel=${encodeURIComponent(panel)}`}`, 303);
  });
}
