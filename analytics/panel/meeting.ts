import type { LeavingReason } from '../../schemas/panel.ts';
import type { CohortMember } from '../products/cohort.ts';

/** A member as a meeting's list held them: the cohort's counts and codes, and the keys of their crime and ASB records. */
export type MeetingMember = Omit<CohortMember, 'partners' | 'records'> & {
  /** Pseudonymous record keys of the member's police and ASB records, to tell at a later meeting what is new. */
  seen: string[];
};

/** A member of the meeting before who is not on this meeting's list, and why. */
export interface LeftMember { person_id: string; why: LeavingReason; other_panel?: string; before: MeetingMember }

/** A recorded meeting of a panel, as stored (functions/panels/store.ts). */
export interface Meeting {
  panel: string;
  date: string;
  recorded_by: string;
  recorded_at: string;
  /** The meeting this one is compared with (the latest recorded before it), or null for the first. */
  previous: string | null;
  members: MeetingMember[];
  left: LeftMember[];
}
