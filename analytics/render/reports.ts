import type { Area } from '../../schemas/area/index.ts';
import type { Boundaries, DisplayNames, LsoaPolygons } from '../../schemas/deployments/deployment.ts';
import type { DeepDiveResult } from '../products/deep-dive.ts';
import type { ProfileResult } from '../products/locality-profile.ts';
import { keyValues, reportPage } from './html.ts';
import { aboutRows, type ExportAbout } from './labels.ts';
import { choropleth, mapContext } from './map.ts';
import { barChart, escapeHtml, heatmap, lineChart } from './svg.ts';

const label = (key: string) => key.replace(/_/g, ' ');
/** The footnote's opening: the VRU, the period, the data's last date and when the report was made. */
const aboutLine = (about?: ExportAbout) => (about ? `${aboutRows(about).map(([k, v]) => `${k}: ${v}`).join(' · ')}. ` : '');
const hours = (n: number) => `${String(n).padStart(2, '0')}`;

/** Whose report it is: the deployment's names and area, and for maps its LSOA polygons and their credit (schemas/deployments/). */
export interface ReportContext { names: DisplayNames; area: Area; geometry?: Record<string, LsoaPolygons>; boundaries?: Pick<Boundaries, 'attribution'> }

/** The profile's map: serious violence by LSOA in the locality, suppressed LSOAs as the table has them. */
export function profileMap(p: ProfileResult, context: ReportContext): string {
  if (!context.geometry || !context.boundaries) return '';
  const map = mapContext({ area: context.area, geometry: context.geometry, boundaries: context.boundaries }, [p.locality]);
  if (!map.localities.length) return '';
  return choropleth({ title: `Serious violence by LSOA, ${p.name}, ${p.period}`, cells: p.by_lsoa.map((l) => ({ lsoa: l.key, value: l.count })), ...map, measure: 'Crimes' });
}

/** The locality profile as an HTML report with inline SVG charts. Suppressed figures show as "suppressed". */
export function profileHtml(p: ProfileResult, context: ReportContext, about?: ExportAbout): string {
  const { names } = context;
  const crimes = { measure: 'Crimes' };
  const sv = p.serious_violence;
  const audience = p.audience !== 'csp' ? ''
    : p.rounded ? 'Counts are rounded to the nearest 5, each total on its own; counts from 1 to 4 (1 to 7 for hospital and A&E figures) are suppressed; rates, shares and changes are worked from the rounded counts.'
      : 'Counts from 1 to 4 (1 to 7 for hospital and A&E figures) are suppressed, with further figures where needed so that none can be worked out from a total, this profile\'s or across the localities.'
  return reportPage(`${p.name}: locality profile ${p.period}`, `Community Safety Partnership · population ${p.population.toLocaleString('en-GB')} (Census 2021)`, [
    { heading: 'Serious violence', html: keyValues([
      ['Crimes', sv.count], ['Per 1,000 residents', sv.rate_per_1000], [`${names.areaShort} per 1,000 residents`, sv.area_rate_per_1000],
      ['Previous year', sv.previous_count], ['Change on previous year (%)', sv.change_pct],
      ['Knife-enabled serious violence', p.knife_serious_violence.count],
    ]) },
    { heading: 'Serious violence by month', html: lineChart('Serious violence by month', p.monthly.map((m) => ({ label: m.month, value: m.count })), crimes) },
    { heading: 'By offence group', html: barChart('Serious violence by offence group', p.by_offence_group.map((g) => ({ label: label(g.group), value: g.count })), crimes) },
    { heading: 'Domestic and non-domestic', html: barChart('Domestic', p.domestic.map((d) => ({ label: d.key === 'true' ? 'domestic' : d.key === 'false' ? 'non-domestic' : label(d.key), value: d.count })), crimes) },
    { heading: 'Where', html: barChart('Location type', p.by_location_type.map((d) => ({ label: label(d.key), value: d.count })), crimes) },
    { heading: 'Victims', html: barChart('Victim age band', p.victim_age_band.map((d) => ({ label: label(d.key), value: d.count })), { measure: 'Victims' }) + barChart('Victim sex', p.victim_sex.map((d) => ({ label: label(d.key), value: d.count })), { measure: 'Victims' }) },
    { heading: 'When: hour of day by day of week', html: heatmap('Hour by weekday', p.hour_by_weekday.weekdays, p.hour_by_weekday.hours.map(hours), p.hour_by_weekday.cells.map((row) => row.map((c) => c.count)), crimes) },
    { heading: 'Hotspots', html: profileMap(p, context) + (p.hotspots.length
      ? `<table><caption>Postcode sectors with the most crimes</caption><tr><th>Sector</th><th>Crimes</th><th>Share</th></tr>${p.hotspots.map((h) => `<tr><td>${escapeHtml(h.sector)}</td><td class="n">${h.count}</td><td class="n">${h.share_pct}%</td></tr>`).join('')}</table>`
      : '<p>No postcode sector can be listed at this level of detail; the map shows the LSOAs that can be.</p>') },
    { heading: 'Anti-social behaviour', html: keyValues([['Incidents', p.asb.count], ['Per 1,000 residents', p.asb.rate_per_1000]]) + barChart('ASB by category', p.asb.by_pen_category.map((d) => ({ label: d.key, value: d.count })), { measure: 'Incidents' }) },
    { heading: 'Violence-related A&E attendances', html: keyValues([['Attendances', p.ae_attendances.count]]) + barChart('Means of assault', p.ae_attendances.by_means_of_assault.map((d) => ({ label: label(d.key), value: d.count })), { measure: 'Attendances' }) + barChart('Where the assault happened', p.ae_attendances.by_location_type.map((d) => ({ label: label(d.key), value: d.count })), { measure: 'Attendances' }) },
    { heading: 'Suspensions and exclusions for violence', html: keyValues([['Suspensions and exclusions', p.school_exclusions.count]]) + barChart('By category', p.school_exclusions.by_category.map((d) => ({ label: label(d.key), value: d.count })), { measure: 'Pupils' }) },
  ], `${aboutLine(about) || `${names.vru}. `}${audience || 'Analyst view: figures are not disclosure-controlled. Do not share outside the partnership core.'}`);
}

/** The deep dive as an HTML report (analysts). */
export function deepDiveHtml(d: DeepDiveResult, { area }: ReportContext, about?: ExportAbout): string {
  const l = d.linked_agency_contact;
  const where = d.area === area.id ? area.name : area.localities.find((x) => x.slug === d.area)?.name ?? d.area;
  return reportPage(`Deep dive: ${d.groups.map(label).join(', ')}`, `${where} · ${d.period} · ${d.crimes} crimes`, [
    { heading: 'Trend', html: lineChart('Crimes by month', d.monthly.map((m) => ({ label: m.month, value: m.count })), { measure: 'Crimes' }) },
    { heading: 'Hotspots', html: barChart('Postcode sectors', d.hotspots.map((h) => ({ label: `${h.sector} (${h.share_pct}%)`, value: h.count })), { measure: 'Crimes' }) },
    { heading: 'When', html: heatmap('Hour by weekday', d.hour_by_weekday.weekdays, d.hour_by_weekday.hours.map(hours), d.hour_by_weekday.counts, { measure: 'Crimes' }) },
    { heading: 'Victims', html: barChart('Victim age band', d.victims.age_band.map((b) => ({ label: b.key, value: b.count })), { measure: 'Victims' }) },
    { heading: 'Suspects', html: keyValues([['People', d.suspects.people], ['Repeat suspects', d.repeat.suspects.people], ['Repeat victims', d.repeat.victims.people]]) + barChart('Suspect age band (at first offence)', d.suspects.age_band.map((b) => ({ label: b.key, value: b.count })), { measure: 'Suspects' }) },
    { heading: 'Earlier contact with other agencies (suspects under 25)', html: keyValues([
      ['Suspects under 25', l.suspects_under_25], ['Earlier violence-related A&E attendance', l.earlier_ae_attendance],
      ['Earlier suspension or exclusion', l.earlier_suspension], ['Earlier ASB record as perpetrator', l.earlier_asb], ['Any of these', l.any],
    ]) },
  ], `${aboutLine(about)}Analyst view: figures are not disclosure-controlled. Do not share outside the partnership core.`);
}
