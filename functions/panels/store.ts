import type { DecisionEntry } from '../../schemas/panel.ts';
import type { Meeting } from '../../analytics/panel/meeting.ts';
import { getJson, updateJson, type Storage } from '../platform/storage/port.ts';

/**
 * A panel's meetings and decisions in storage, one small JSON object each, changed by conditional writes only
 * (updateJson), so two coordinators' writes at once both land. Pseudonymous person ids and fixed codes only.
 */
export const meetingsKey = (panel: string) => `panels/${panel}/meetings.json`;
export const decisionsKey = (panel: string) => `panels/${panel}/decisions.json`;

interface MeetingsFile { meetings: Meeting[] }
interface DecisionsFile { decisions: Record<string, DecisionEntry[]> }

/** Meetings, earliest first. */
export async function loadMeetings(storage: Storage, panel: string): Promise<Meeting[]> {
  return (await getJson<MeetingsFile>(storage, meetingsKey(panel)))?.value.meetings ?? [];
}

/** Each member's decisions, by person id, in the order recorded. */
export async function loadDecisions(storage: Storage, panel: string): Promise<Record<string, DecisionEntry[]>> {
  return (await getJson<DecisionsFile>(storage, decisionsKey(panel)))?.value.decisions ?? {};
}

/** A clash with what is stored (a meeting already recorded, or one before the latest). */
export class PanelConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PanelConflict';
  }
}

/** Adds a meeting after the latest; `make` is given the meetings as they stand when the write is tried. */
export async function addMeeting(storage: Storage, panel: string, date: string, make: (meetings: Meeting[]) => Meeting): Promise<Meeting> {
  let added: Meeting | undefined;
  await updateJson<MeetingsFile>(storage, meetingsKey(panel), () => ({ meetings: [] }), ({ meetings }) => {
    const latest = meetings.at(-1)?.date;
    if (meetings.some((m) => m.date === date)) throw new PanelConflict(`the ${panel} panel's meeting of ${date} is recorded already`);
    if (latest && date < latest) throw new PanelConflict(`a meeting is recorded after ${date} (${latest}): meetings are recorded in order`);
    added = make(meetings);
    return { meetings: [...meetings, added] };
  });
  return added!;
}

export async function addDecision(storage: Storage, panel: string, entry: DecisionEntry): Promise<void> {
  await updateJson<DecisionsFile>(storage, decisionsKey(panel), () => ({ decisions: {} }), ({ decisions }) => ({
    decisions: { ...decisions, [entry.person_id]: [...(decisions[entry.person_id] ?? []), entry] },
  }));
}
