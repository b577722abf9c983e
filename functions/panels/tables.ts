import type { ListRow } from '../../analytics/panel/meeting-list.ts';
import { toCsv } from '../../analytics/render/csv.ts';
import { labelled, type ExportAbout } from '../../analytics/render/labels.ts';
import type { Table } from '../../analytics/render/table.ts';
import { toXlsx } from '../../analytics/render/xlsx.ts';
import { consents, decisions, otherServices, outcomes } from '../../schemas/panel.ts';
import { legendTable } from '../products/cohort.ts';
import type { PanelList } from './panels.ts';

/** A meeting's list as one table: status and why, reasons and events in words, the decision and what came of it. */
export function listTable(list: PanelList, programmeName: (id: string) => string): Table {
  const support = (r: ListRow) => (r.decision?.programme ? programmeName(r.decision.programme) : r.decision?.service ? otherServices[r.decision.service] : null);
  return {
    name: `${list.panel} panel ${list.meeting}`,
    columns: ['person_id', 'status', 'why', 'age', 'sex', 'locality', 'criteria', 'factors', 'score', 'reasons', 'events', 'last_event_date', 'seen_again',
      'decision', 'support', 'consent', 'support_start', 'outcome', 'decided_at_meeting'],
    rows: list.rows.map((r) => [r.person_id, r.status_words, r.why, r.age, r.sex, r.locality, r.criteria.join(';'), r.factors.join(';'), r.score,
      r.reasons.join('. '), r.events_words, r.last_event_date, r.seen_again,
      r.decision ? decisions[r.decision.decision] : null, support(r), r.decision?.consent ? consents[r.decision.consent] : null,
      r.decision?.support_start ?? null, r.decision?.outcome ? outcomes[r.decision.outcome] : null, r.decision?.meeting ?? null]),
  };
}

export async function renderList(list: PanelList, format: 'csv' | 'xlsx', programmeName: (id: string) => string, about: ExportAbout): Promise<string | Uint8Array> {
  const table = labelled(listTable(list, programmeName), about.names);
  return format === 'csv' ? toCsv(table, about) : toXlsx([table, labelled(legendTable(list.legend), about.names)], about);
}
