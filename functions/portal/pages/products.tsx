import type { Context } from 'hono';
import { yearStarting } from '../../../analytics/financial-year.ts';
import type { DeepDiveResult } from '../../../analytics/products/deep-dive.ts';
import type { ProfileResult } from '../../../analytics/products/locality-profile.ts';
import type { MeasuresResult } from '../../../analytics/products/success-measures.ts';
import { profileMap } from '../../../analytics/render/reports.ts';
import { barChart, heatmap, lineChart } from '../../../analytics/render/svg.ts';
import { offenceGroups } from '../../../schemas/code-lists.ts';
import { Chart, DataTable, may } from '../layout.tsx';
import { PORTAL_API, portalUser, type Portal } from '../page-context.ts';

const label = (key: string) => key.replace(/_/g, ' ');
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => yearStarting(to - i).label);

/** A select of financial years, newest first. */
function YearSelect(props: { id: string; name: string; label: string; value: string; from?: number }) {
  const latest = Number(props.value.slice(0, 4)) + 1;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>{years(props.from ?? 2017, Math.max(latest, 2019)).map((y) => <option value={y} selected={y === props.value}>{y}</option>)}</select>
    </>
  );
}

function Downloads(props: { base: string; formats: [string, string][] }) {
  return <p class="downloads">Download: {props.formats.map(([format, text]) => <a href={`${props.base.replace(/^\/v1/, PORTAL_API)}${props.base.includes('?') ? '&' : '?'}format=${format}`} download={format !== 'html' ? '' : undefined}>{text}</a>)}</p>;
}

const query = (c: Context, name: string) => c.req.query(name) || undefined;

export function registerProductPages(portal: Portal) {
  const { app, deps } = portal;
  const localities = deps.platform.area.localities;

  app.get('/portal/measures', async (c) => {
    const defaults = await portal.defaults();
    const period = query(c, 'period') ?? defaults.period;
    const baseline = query(c, 'baseline') ?? '2019-20';
    const path = `/v1/measures?period=${encodeURIComponent(period)}&baseline=${encodeURIComponent(baseline)}`;
    const result = await portal.api(c, 'GET', path);
    if (result.status !== 200) return portal.problem(c, 'Success measures', result);
    const m = result.data as MeasuresResult<number | null>;
    return portal.page(c, 'Success measures', (
      <>
        <form method="get" class="panel inline">
          <YearSelect id="period" name="period" label="Financial year" value={period} />
          <YearSelect id="baseline" name="baseline" label="Baseline" value={baseline} />
          <button type="submit">Show</button>
        </form>
        <section>
          <h2>{m.period} against {m.baseline}</h2>
          <DataTable columns={['measure', 'ages', 'count', 'baseline', 'change vs baseline %', 'previous year', 'change vs previous %']}
            rows={m.measures.map((r) => [label(r.id), label(r.split), r.count, r.baseline_count, r.change_vs_baseline_pct, r.previous_count, r.change_vs_previous_pct])} />
          {m.audience === 'csp' && <p class="muted">Disclosure-controlled, as for every CSP officer: small counts suppressed, with further figures where needed; no under-25 or rolling monthly series.</p>}
          <Downloads base={path} formats={[['csv', 'Home Office return (CSV)'], ['xlsx', 'Home Office return (XLSX)']]} />
        </section>
        <section>
          <h2>By month</h2>
          {m.measures.filter((r) => r.split === 'all_ages').map((r) => <Chart html={lineChart(`${label(r.id)}, all ages, by month`, r.monthly.map((p) => ({ label: p.month, value: p.count })))} />)}
        </section>
      </>
    ));
  });

  app.get('/portal/profile', async (c) => {
    const user = portalUser(c);
    const defaults = await portal.defaults();
    const asked = query(c, 'locality');
    // A CSP officer asking for another locality is told so, not quietly shown their own.
    if (user.locality && asked && asked !== user.locality) {
      const name = (slug: string) => localities.find((l) => l.slug === slug)?.name ?? 'that locality';
      return portal.problem(c, 'Locality profile', { status: 403, data: { message: `you may see only ${name(user.locality)}'s profile, not ${name(asked)}'s: a CSP officer sees their own locality` } });
    }
    const locality = user.locality ?? asked ?? localities[0].slug;
    const period = query(c, 'period') ?? defaults.period;
    const audience = user.role === 'csp_officer' ? 'csp' : (query(c, 'audience') ?? 'csp');
    const path = `/v1/localities/${encodeURIComponent(locality)}/profile?period=${encodeURIComponent(period)}&audience=${encodeURIComponent(audience)}`;
    const result = await portal.api(c, 'GET', path);
    if (result.status !== 200) return portal.problem(c, 'Locality profile', result);
    const p = result.data as ProfileResult;
    const sv = p.serious_violence;
    return portal.page(c, `Locality profile: ${p.name}`, (
      <>
        <form method="get" class="panel inline">
          {user.locality ? <input type="hidden" name="locality" value={locality} /> : (
            <><label for="locality">Locality</label><select id="locality" name="locality">{localities.map((l) => <option value={l.slug} selected={l.slug === locality}>{l.name}</option>)}</select></>
          )}
          <YearSelect id="period" name="period" label="Financial year" value={period} />
          {user.role !== 'csp_officer' && (
            <><label for="audience">Figures</label><select id="audience" name="audience">
              <option value="csp" selected={audience === 'csp'}>disclosure-controlled (CSP)</option>
              <option value="analyst" selected={audience === 'analyst'}>all (analyst)</option>
            </select></>
          )}
          <button type="submit">Show</button>
        </form>
        <section>
          <h2>Serious violence, {p.period}</h2>
          <DataTable columns={['crimes', 'per 1,000 residents', `${deps.platform.deployment.names.areaShort} per 1,000`, 'previous year', 'change %', 'knife-enabled']}
            rows={[[sv.suppressed ? 'suppressed' : sv.count, sv.rate_per_1000, sv.area_rate_per_1000, sv.previous_count, sv.change_pct, p.knife_serious_violence.suppressed ? 'suppressed' : p.knife_serious_violence.count]]} />
          <p class="muted">{p.audience !== 'csp' ? 'Analyst view: not disclosure-controlled.' : p.rounded ? 'Counts are rounded to the nearest 5; small counts (1–4; 1–7 for hospital and A&E figures) are suppressed.' : 'Small counts are suppressed (1–4; 1–7 for hospital and A&E figures), with further figures where needed so that none can be worked out.'}</p>
          <Downloads base={path} formats={[['html', 'Report (HTML)'], ['xlsx', 'Spreadsheet (XLSX)'], ['csv', 'Table (CSV)']]} />
        </section>
        <section>
          <h2>Charts</h2>
          <Chart html={lineChart('Serious violence by month', p.monthly.map((m) => ({ label: m.month, value: m.count })), { measure: 'Crimes' })} />
          <Chart html={barChart('Serious violence by offence group', p.by_offence_group.map((g) => ({ label: label(g.group), value: g.count })), { measure: 'Crimes' })} />
          <Chart html={heatmap('Hour by weekday', p.hour_by_weekday.weekdays, p.hour_by_weekday.hours.map((h) => String(h).padStart(2, '0')), p.hour_by_weekday.cells.map((row) => row.map((cell) => cell.count)), { measure: 'Crimes' })} />
          <Chart html={barChart('Anti-social behaviour by category', p.asb.by_pen_category.map((d) => ({ label: d.key, value: d.count })), { measure: 'Incidents' })} />
        </section>
        <section>
          <h2>Hotspots</h2>
          <Chart html={profileMap(p, deps.platform.deployment)} />
          {p.hotspots.length ? <DataTable caption="Postcode sectors with the most crimes" columns={['sector', 'crimes', 'share %']} rows={p.hotspots.map((h) => [h.sector, h.count, h.share_pct])} />
            : <p class="muted">No postcode sector can be listed at this level of detail; the map shows the LSOAs that can be.</p>}
        </section>
      </>
    ));
  });

  app.get('/portal/deep-dive', async (c) => {
    const user = portalUser(c);
    if (!may(user, 'deep-dive.read')) return portal.problem(c, 'Deep dive', { status: 403, data: { message: `role ${user.role} may not deep-dive.read` } });
    const defaults = await portal.defaults();
    // The form says it was sent (shown=1), so that nothing ticked is an error and not the first visit's default.
    const sent = query(c, 'shown') === '1';
    const groups = c.req.queries('groups') ?? (sent ? [] : ['robbery_personal', 'robbery_business']);
    const area = query(c, 'area') ?? deps.platform.area.id;
    const period = query(c, 'period') ?? defaults.period;
    const form = (
      <form method="get" class="panel">
        <input type="hidden" name="shown" value="1" />
        <fieldset><legend>Offence groups</legend>
          <div class="checks">{offenceGroups.values.map((g) => (
            <span><input type="checkbox" id={`group-${g}`} name="groups" value={g} checked={groups.includes(g)} /><label for={`group-${g}`}>{label(g)}</label></span>
          ))}</div>
        </fieldset>
        <div class="inline">
          <label for="area">Area</label>
          <select id="area" name="area"><option value={deps.platform.area.id}>{deps.platform.area.name}</option>{localities.map((l) => <option value={l.slug} selected={l.slug === area}>{l.name}</option>)}</select>
          <YearSelect id="period" name="period" label="Financial year" value={period} />
          <button type="submit">Show</button>
        </div>
      </form>
    );
    if (groups.length === 0) {
      return portal.page(c, 'Deep dive', <>{form}<p class="panel error" role="alert">Tick at least one offence group: with none ticked there is nothing to show.</p></>, 400);
    }
    const path = `/v1/deep-dive?groups=${encodeURIComponent(groups.join(','))}&area=${encodeURIComponent(area)}&period=${encodeURIComponent(period)}`;
    const result = await portal.api(c, 'GET', path);
    if (result.status !== 200) return portal.page(c, 'Deep dive', <>{form}<p class="error" role="alert">{result.data.message}</p></>, result.status);
    const d = result.data as DeepDiveResult;
    const l = d.linked_agency_contact;
    const where = d.area === deps.platform.area.id ? deps.platform.area.name : localities.find((x) => x.slug === d.area)?.name ?? d.area;
    if (d.crimes === 0) {
      return portal.page(c, 'Deep dive', <>{form}<section><p role="status" id="no-crimes">No crimes of {d.groups.map(label).join(', ')} in {where} in {d.period}: nothing to chart.</p></section></>);
    }
    return portal.page(c, 'Deep dive', (
      <>
        {form}
        <section>
          <h2>{d.crimes} crimes · {where} · {d.period}</h2>
          <Downloads base={path} formats={[['html', 'Report (HTML)'], ['xlsx', 'Spreadsheet (XLSX)'], ['csv', 'Table (CSV)']]} />
          <Chart html={lineChart('Crimes by month', d.monthly.map((m) => ({ label: m.month, value: m.count })), { measure: 'Crimes' })} />
          <Chart html={barChart('Hotspots (postcode sectors)', d.hotspots.map((h) => ({ label: `${h.sector} (${h.share_pct}%)`, value: h.count })), { measure: 'Crimes' })} />
          <Chart html={heatmap('Hour by weekday', d.hour_by_weekday.weekdays, d.hour_by_weekday.hours.map((h) => String(h).padStart(2, '0')), d.hour_by_weekday.counts, { measure: 'Crimes' })} />
          <DataTable caption="Earlier contact with other agencies (suspects under 25)" columns={['suspects under 25', 'earlier A&E', 'earlier suspension', 'earlier ASB', 'any']}
            rows={[[l.suspects_under_25, l.earlier_ae_attendance, l.earlier_suspension, l.earlier_asb, l.any]]} />
        </section>
      </>
    ));
  });
}
