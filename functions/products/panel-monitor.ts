import { z } from '@hono/zod-openapi';
import { monitorMeasures, panelMonitoring, type MonitorPeriod, type MonitorResult } from '../../analytics/panel/monitoring.ts';
import type { Table } from '../../analytics/render/table.ts';
import { sexes } from '../../schemas/code-lists.ts';
import { otherServices } from '../../schemas/panel.ts';
import { productBody, slug } from '../api/routes/schemas.ts';
import { required } from '../cli/args.ts';
import { decisionsKey, meetingsKey } from '../panels/store.ts';
import { defineProduct } from './product.ts';

export interface PanelMonitorRequest { product: 'panel-monitor'; panel: string }

const Count = z.number().int().nullable();
const Period = z.object({
  month: z.string(), ...Object.fromEntries(monitorMeasures.map((m) => [m, Count])),
  referred_by_support: z.record(z.string(), Count), median_days_to_referral: z.number().nullable(),
});
const Body = productBody('PanelMonitoring', {
  panel: z.string(), max_suppressed: z.number().int(), months: z.array(Period), all: Period,
  reached: z.object({ age_band: z.record(z.string(), Count), sex: z.record(z.string(), Count), locality: z.record(z.string(), Count) }),
});

/**
 * The documented layout (functions/README.md, "The panel's monitoring return"): one row per figure, long form, with
 * the month (YYYY-MM, or `all` for the whole period), the measure, the breakdown it belongs to and its value; a
 * withheld count is empty.
 */
export const monitorColumns = ['panel', 'month', 'measure', 'breakdown', 'category', 'value'] as const;
function monitorRows(r: MonitorResult): Table['rows'] {
  const period = (p: MonitorPeriod) => [
    ...monitorMeasures.map((m) => [r.panel, p.month, m, 'all', 'all', p[m]]),
    ...Object.entries(p.referred_by_support).map(([t, n]) => [r.panel, p.month, 'referred', 'support_type', t, n]),
    [r.panel, p.month, 'median_days_to_referral', 'all', 'all', p.median_days_to_referral],
  ];
  return [
    ...r.months.flatMap(period), ...period(r.all),
    ...(['age_band', 'sex', 'locality'] as const).flatMap((b) => Object.entries(r.reached[b]).map(([k, n]) => [r.panel, 'all', 'reached', b, k, n])),
  ];
}
const monitorTable = (r: MonitorResult): Table => ({ name: `${r.panel} panel monitoring`, columns: [...monitorColumns], rows: monitorRows(r) });
const byMonthSheet = (r: MonitorResult): Table => {
  const types = Object.keys(r.all.referred_by_support);
  return {
    name: 'By month',
    columns: ['month', ...monitorMeasures, ...types.map((t) => `referred_${t}`), 'median_days_to_referral'],
    rows: [...r.months, r.all].map((p) => [p.month, ...monitorMeasures.map((m) => p[m]), ...types.map((t) => p.referred_by_support[t]), p.median_days_to_referral]),
  };
};
const reachedSheet = (r: MonitorResult): Table => ({
  name: 'Reached',
  columns: ['breakdown', 'category', 'referred'],
  rows: (['age_band', 'sex', 'locality'] as const).flatMap((b) => Object.entries(r.reached[b]).map(([k, n]) => [b, k, n])),
});

/** A panel's monitoring return: counts per month of meetings, disclosure-controlled for every audience. */
export const panelMonitor = defineProduct({
  name: 'panel-monitor',
  title: 'Prevention Panel monitoring',
  action: 'panel.monitor',
  scope: (request: PanelMonitorRequest) => ({ panel: request.panel }),
  api: {
    path: '/v1/panels/{panel}/monitor',
    summary: "A Prevention Panel's monitoring return per month: identified, reviewed, referred by support type, engaged, completed, time to referral, who was reached; disclosure-controlled",
    params: z.object({ panel: slug('panel') }),
    query: z.object({}),
    body: Body,
    request: ({ params }): PanelMonitorRequest => ({ product: 'panel-monitor', panel: params.panel }),
  },
  cli: {
    command: 'panel monitor',
    usage: '--panel P',
    help: "a panel's monitoring return (counts only, disclosure-controlled)",
    request: (flags): PanelMonitorRequest => ({ product: 'panel-monitor', panel: required(flags, 'panel') }),
  },
  formats: ['json', 'csv', 'xlsx'],
  async run(_engine, { area, agreement, programmes, panels }, request) {
    if (!area.panels.some((p) => p.id === request.panel)) throw new RangeError(`unknown panel "${request.panel}"; known: ${area.panels.map((p) => p.id).join(', ')}`);
    return panelMonitoring({
      panel: request.panel,
      meetings: await panels.meetings(request.panel),
      decisions: await panels.decisions(request.panel),
      supportTypes: [...programmes.map((p) => p.id), ...Object.keys(otherServices)],
      localities: area.localities.filter((l) => l.panel === request.panel).map((l) => l.slug),
      sexes: sexes.values.filter((s) => s !== 'unknown'),
      maxSuppressed: agreement.disclosure.defaultMaxSuppressed,
    });
  },
  stored: (request) => [meetingsKey(request.panel), decisionsKey(request.panel)],
  tables: (result) => ({ csv: monitorTable(result), sheets: [byMonthSheet(result), reachedSheet(result), monitorTable(result)] }),
  fileName: (request) => ['panel-monitoring', request.panel],
  portal: { href: '/portal/panel-monitor' },
});
