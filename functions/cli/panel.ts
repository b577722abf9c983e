import { writeFileSync } from 'node:fs';
import { defaultEngine } from '../../analytics/engine.ts';
import { sorts, type ListSort } from '../../analytics/panel/meeting-list.ts';
import type { CohortResult } from '../../analytics/products/cohort.ts';
import type { User } from '../../schemas/access.ts';
import { statuses, type Status } from '../../schemas/panel.ts';
import { meetingDates, panelList, PanelRefused, PanelRequestError, recordDecision, recordMeeting, type PanelDeps } from '../panels/panels.ts';
import { PanelConflict } from '../panels/store.ts';
import { renderList } from '../panels/tables.ts';
import type { Platform } from '../platform/platform.ts';
import { exportAbout } from '../products/about.ts';
import type { ProductRegistry } from '../products/registry.ts';
import { runProduct } from '../products/service.ts';
import { optional, required, UsageError, type ParsedArgs } from './args.ts';
import { productCommand, runProductCommand } from './products.ts';
import { wrote } from './output.ts';

type Flags = ParsedArgs['flags'];
const COMMON = ['data-dir', 'format', 'out', 'user', 'panel', 'engine'];
/** Each subcommand's own flags: any other is refused, so no free text reaches a decision. */
const FLAGS: Record<string, string[]> = {
  meeting: ['date'], meetings: [], list: ['meeting', 'status', 'criterion', 'locality', 'age-from', 'age-to', 'min-score', 'sort'],
  decide: ['person', 'meeting', 'decision', 'programme', 'service', 'consent', 'start', 'outcome'], monitor: [],
};

/** The local user acting (a coordinator is held to their own panel, as in the API); every write is audited. */
function actingUser(platform: Platform, flags: Flags): User {
  const id = required(flags, 'user');
  const user = platform.deployment.users.find((u) => u.id === id);
  if (!user) throw new UsageError(`--user must be a local user of the deployment: ${platform.deployment.users.map((u) => u.id).join(', ')}`);
  return { id: user.id, role: user.role, organisation: user.organisation, locality: user.locality, panel: user.panel };
}

const whole = (flags: Flags, name: string) => {
  const v = optional(flags, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number`);
  return Number(v);
};

/** `vrn panel meeting|meetings|list|decide|monitor`: the same functions as the API's /v1/panels/{panel}/… routes. */
export async function runPanel(platform: Platform, sub: string | undefined, flags: Flags, registry: ProductRegistry): Promise<number> {
  if (!sub || !(sub in FLAGS)) throw new UsageError(`panel needs one of ${Object.keys(FLAGS).join(', ')}`);
  const unknown = Object.keys(flags).filter((f) => !COMMON.includes(f) && !FLAGS[sub].includes(f));
  if (unknown.length) throw new UsageError(`not a flag of vrn panel ${sub}: ${unknown.map((f) => `--${f}`).join(', ')} (decisions take fixed codes only, no free text)`);
  if (sub === 'monitor') return runProductCommand(platform, productCommand(registry, 'panel monitor')!, flags, registry);
  const panel = required(flags, 'panel');
  const user = actingUser(platform, flags);
  const deps: PanelDeps = {
    platform, audit: platform.audit, route: `panel ${sub}`,
    cohort: (p, asOf) => runProduct(platform, defaultEngine.request, { product: 'cohort', panel: p, asOf }) as Promise<CohortResult>,
  };
  const json = flags.format === 'json';
  try {
    if (sub === 'meeting') {
      const m = await recordMeeting(deps, user, panel, required(flags, 'date'));
      console.log(json ? JSON.stringify({ panel, date: m.date, previous: m.previous, members: m.members.length, left: m.left.length })
        : `${panel} panel meeting of ${m.date} recorded: ${m.members.length} children on the list${m.previous ? `, ${m.left.length} no longer eligible since ${m.previous}` : ''}`);
      return 0;
    }
    if (sub === 'meetings') {
      const list = await meetingDates(deps, user, panel);
      console.log(json ? JSON.stringify(list, null, 2) : list.map((m) => `${m.date}  ${m.members} on the list, ${m.left} left  (recorded by ${m.recorded_by})`).join('\n') || 'no meeting recorded yet');
      return 0;
    }
    if (sub === 'list') {
      const status = optional(flags, 'status');
      if (status && !(status in statuses)) throw new UsageError(`--status must be one of ${Object.keys(statuses).join(', ')}`);
      const sort = optional(flags, 'sort');
      if (sort && !(sorts as readonly string[]).includes(sort)) throw new UsageError(`--sort must be one of ${sorts.join(', ')}`);
      const list = await panelList(deps, user, panel, optional(flags, 'meeting'), {
        status: status as Status | undefined, criterion: optional(flags, 'criterion'), locality: optional(flags, 'locality'),
        ageFrom: whole(flags, 'age-from'), ageTo: whole(flags, 'age-to'), minScore: whole(flags, 'min-score'), sort: sort as ListSort | undefined,
      });
      const format = optional(flags, 'format') ?? 'text';
      if (format === 'csv' || format === 'xlsx') {
        const out = optional(flags, 'out');
        if (format === 'xlsx' && !out) throw new UsageError('--format xlsx needs --out FILE');
        const programmeName = (id: string) => platform.deployment.programmes.find((p) => p.id === id)?.name ?? id;
        const body = await renderList(list, format, programmeName, { ...await exportAbout(platform, { product: 'panel-list' }), period: `meeting of ${list.meeting}` });
        if (out) { writeFileSync(out, body); wrote(out, `the ${panel} panel's list of ${list.meeting} (${list.count} children)`); } else process.stdout.write(body);
      } else if (format === 'json') console.log(JSON.stringify(list, null, 2));
      else {
        console.log(`${panel} panel, meeting of ${list.meeting}${list.previous ? ` (against ${list.previous})` : ''}: ${list.count} children`);
        for (const r of list.rows) {
          console.log(`${r.person_id}  ${r.status_words}${r.why ? ` (${r.why})` : ''}  age ${r.age}  ${r.locality}  score ${r.score}${r.decision ? `  decided: ${r.decision.decision}` : ''}`);
          for (const reason of r.reasons) console.log(`    ${reason}`);
          if (r.seen_again) console.log(`    SEEN AGAIN: ${r.seen_again}`);
        }
        console.log(`legend: ${list.legend.criteria.map((c) => `${c.code} (weight ${c.weight}) ${c.words}`).join('; ')}`);
      }
      return 0;
    }
    const entry = await recordDecision(deps, user, panel, required(flags, 'person'), Object.fromEntries(Object.entries({
      meeting: optional(flags, 'meeting'), decision: optional(flags, 'decision'), programme: optional(flags, 'programme'), service: optional(flags, 'service'),
      consent: optional(flags, 'consent'), support_start: optional(flags, 'start'), outcome: optional(flags, 'outcome'),
    }).filter(([, v]) => v !== undefined)));
    console.log(json ? JSON.stringify(entry) : `${entry.person_id}: ${entry.decision}${entry.programme ? ` (${entry.programme})` : entry.service ? ` (${entry.service})` : ''} recorded for the meeting of ${entry.meeting}`);
    return 0;
  } catch (error) {
    if (error instanceof PanelRequestError || error instanceof PanelConflict) throw new UsageError(error.message);
    if (error instanceof PanelRefused) throw new UsageError(`refused (recorded in the audit trail): ${error.message}`);
    throw error;
  }
}
