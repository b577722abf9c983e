import { Dataset } from '../dataset.ts';
import { aeAttendance } from './ae-attendance.ts';
import { asbIncident } from './asb-incident.ts';
import { hospitalAdmission } from './hospital-admission.ts';
import { policeCrime } from './police-crime.ts';
import { policePerson } from './police-person.ts';
import { programmeDelivery } from './programme-delivery.ts';
import { policeUkCrime } from './police-uk-crime.ts';
import { schoolExclusion } from './school-exclusion.ts';
import { supportEpisode } from './support-episode.ts';

/** The information-sharing schema v1: every dataset a partner may upload, validated at load. */
export const datasets: Record<string, Dataset> = Object.fromEntries(
  [policeCrime, policePerson, asbIncident, aeAttendance, hospitalAdmission, schoolExclusion, supportEpisode, programmeDelivery, policeUkCrime]
    .map((d) => Dataset.parse(d))
    .map((d) => [d.id, d]),
);

export const datasetIds = Object.keys(datasets);

export function getDataset(id: string): Dataset {
  const dataset = datasets[id];
  if (!dataset) throw new Error(`unknown dataset "${id}"; known: ${datasetIds.join(', ')}`);
  return dataset;
}
