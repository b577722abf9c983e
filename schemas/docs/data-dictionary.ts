import type { Agreement } from '../agreement.ts';
import { DEFAULT_DEPLOYMENT, loadDeployment } from '../deployments/index.ts';
import { codeLists, codeMaps, type CodeList } from '../code-lists.ts';
import type { Column, ColumnType, Dataset, IdentityRole, RowRule } from '../dataset.ts';
import { datasets } from '../datasets/index.ts';
import { clkFields, encodingLayout, linkageConfig } from '../linkage.ts';
import { linkedColumns, personColumns, storedColumns, viewColumns, type PersonColumns } from '../stored.ts';

/**
 * The data dictionary (schemas/DATA-DICTIONARY.md), written from the definitions alone: a dataset, column, code or
 * alias added to them appears here with no edit. `npm run docs` writes it; tests/docs/data-dictionary.test.ts
 * fails when the committed file differs.
 */
export interface Definitions {
  datasets: Record<string, Dataset>;
  codeLists: Record<string, CodeList>;
  codeMaps: Record<string, Record<string, string>>;
  agreement: Agreement;
}

export const DICTIONARY_PATH = 'schemas/DATA-DICTIONARY.md';

/** What a cell of each type must hold, and the code a row is rejected with when it does not. */
export function accepted(type: ColumnType): { rule: string; code: string } {
  switch (type.kind) {
    case 'text': return { rule: `text, at most ${type.maxLength} characters`, code: 'too_long' };
    case 'date': return { rule: 'a date, YYYY-MM-DD or DD/MM/YYYY, not in the future', code: 'invalid_date' };
    case 'time': return { rule: 'a time, HH:MM (seconds ignored)', code: 'invalid_time' };
    case 'datetime': return { rule: 'a date and time, ISO 8601 (a zone is converted to UK time) or DD/MM/YYYY HH:MM, not in the future', code: 'invalid_datetime' };
    case 'boolean': return { rule: 'true/false, yes/no, y/n or 1/0', code: 'invalid_boolean' };
    case 'enum': return { rule: `a code of [${type.codeList}](#code-list-${type.codeList}), any case`, code: 'invalid_code' };
    case 'int': return { rule: `a whole number from ${type.min} to ${type.max}`, code: 'invalid_number' };
    case 'number': return { rule: `a number from ${type.min} to ${type.max}`, code: 'invalid_number' };
    case 'postcode': return { rule: 'a UK postcode or postcode sector', code: 'invalid_postcode' };
    case 'lsoa': return { rule: 'an LSOA code (E01… or W01…)', code: 'invalid_lsoa' };
    case 'nhs_number': return { rule: 'a 10-digit NHS number with a valid check digit', code: 'invalid_nhs_number' };
    case 'upn': return { rule: 'a 13-character UPN with a valid check letter', code: 'invalid_upn' };
    case 'icd10_list': return { rule: 'ICD-10 codes separated by ;', code: 'invalid_icd10' };
    case 'month': return { rule: 'a month, YYYY-MM, not in the future (stored as its last day)', code: 'invalid_month' };
  }
}

/** How each kind of identity field is pseudonymised at ingest (functions/ingest/pseudonymise.ts, analytics/matching/encoding.ts). */
const identityRoles: Record<IdentityRole, string> = {
  nhs_number: 'HMAC-SHA256 in a domain of its own: the same NHS number gives the same key in every dataset',
  upn: 'HMAC-SHA256 in a domain of its own: the same UPN gives the same key in every dataset',
  local_person_id: "HMAC-SHA256 in the partner's own domain (trimmed, upper case): links that partner's records only",
  forename: 'normalised (accents and punctuation removed, upper case), then part of the name-and-birth-date key and of the keyed Bloom-filter encoding and blocking tokens',
  surname: 'as the forename',
  date_of_birth: 'the age at the event, its band and the month of birth (YYYY-MM); part of the name-and-birth-date key and the encodings',
  home_postcode: 'the postcode sector and the locality; part of the encodings',
};

/** The stored columns an identity field of a person feeds (read off the person's stored columns). */
function feeds(column: Column, person: PersonColumns | undefined): string[] {
  if (!person) return [];
  const linkage = [person.clk, person.linkBlocks];
  const byRole: Record<IdentityRole, (string | undefined)[]> = {
    nhs_number: [person.keys.nhs],
    upn: [person.keys.upn],
    local_person_id: [person.keys.local],
    forename: [person.keys.name_dob, ...linkage, person.linkEdits],
    surname: [person.keys.name_dob, ...linkage],
    date_of_birth: [person.age, person.ageBand, person.monthOfBirth, person.keys.name_dob, ...linkage],
    home_postcode: [person.homeSector, person.homeLocality, ...linkage],
  };
  return (column.identity ? byRole[column.identity] : column.personAge ? [person.age, person.ageBand] : [])
    .filter((name): name is string => !!name);
}

const code = (s: string) => `\`${s}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');

function storedAs(dataset: Dataset, column: Column): string {
  if (column.reference) {
    return `not stored: ${code(column.reference.key)} (a keyed hash, for joins) and the partner's encrypted reference vault`;
  }
  if (column.identity || column.personAge) {
    const person = personColumns(dataset).find((p) => p.person === column.person);
    const names = feeds(column, person).map(code).join(', ');
    return `${column.identity ? 'never stored' : 'not stored as itself'}${names ? `: ${names}` : ''}`;
  }
  if (column.location) {
    const { sector, locality, lsoa } = column.location;
    return `${code(sector)} and ${code(locality)} only${lsoa ? ` (the locality from ${code(lsoa)} first, where the area has an LSOA lookup)` : ''}`;
  }
  const encodedIn = personColumns(dataset).find((p) => p.sexColumn === column.name)?.clk;
  return `${code(column.name)}${encodedIn ? `, and in ${code(encodedIn)}` : ''}`;
}

function ruleText(d: Definitions, rule: RowRule): string {
  switch (rule.rule) {
    case 'not_after':
      return `${code(rule.column)} is not after ${code(rule.other)}, compared by date (${code('date_order')}).`;
    case 'one_of':
      return `At least one of ${rule.columns.map(code).join(', ')}: in the header (else the extract is rejected, ${code('missing_column')}) and filled in each row (${code('required')}).`;
    case 'maps_to': {
      const size = Object.keys(d.codeMaps[rule.map] ?? {}).length;
      return `${code(rule.column)} maps to ${code(rule.target)} through ${code(rule.map)} (${size} codes, below); a row with both must agree (${code('inconsistent')}), a row with only ${code(rule.column)} gets ${code(rule.target)} from it.`;
    }
  }
}

function datasetSection(d: Definitions, dataset: Dataset): string {
  const partners = d.agreement.partners.filter((p) => p.datasets.includes(dataset.id));
  const threshold = d.agreement.disclosure.maxSuppressedByDataset[dataset.id] ?? d.agreement.disclosure.defaultMaxSuppressed;
  const facts = [
    dataset.kind === 'event'
      ? `An event dataset: ${code(dataset.eventDate ?? '')} places a row in a period; an extract covers a period (stated, or its first to last event date), and for each date the partner's latest extract covering it counts. A row dated outside the stated period is rejected (${code('outside_period')}).`
      : "A snapshot: the partner's latest extract replaces its earlier ones whole.",
    dataset.uniqueId ? `${code(dataset.uniqueId)} is unique within an extract: a repeat is rejected (${code('duplicate_id')}), the first kept.` : 'No column must be unique.',
    `Shared by: ${partners.map((p) => `${p.name} (${code(p.id)})`).join(', ') || 'no partner yet'}.`,
    `Disclosure control: counts from 1 to ${threshold} are hidden from audiences that see controlled figures.`,
  ];
  const columns = table(['column', 'accepts', 'else', 'required', 'description', 'stored as'], dataset.columns.map((c) => {
    const { rule, code: reason } = accepted(c.type);
    return [`${code(c.name)}${c.identity ? ' ◆' : ''}`, rule, code(reason), c.required ? 'yes' : '', c.description, storedAs(dataset, c)];
  }));
  const dobChecks = Object.entries(dataset.persons).flatMap(([person, spec]) => {
    const dob = dataset.columns.find((c) => c.person === person && c.identity === 'date_of_birth');
    const at = spec.ageAt === undefined ? dataset.eventDate : spec.ageAt;
    return dob && at ? [`${code(dob.name)} is not after ${code(at)} (${code('dob_after_event')}).`] : [];
  });
  const rules = [...dataset.rules.map((r) => ruleText(d, r)), ...dobChecks];
  const aliases = partners.flatMap((p) => Object.entries(p.aliases[dataset.id] ?? {}).map(([alias, column]) => [p.name, code(alias), code(column)]));
  const people = personColumns(dataset).map((p) => {
    const spec = dataset.persons[p.person];
    const at = spec.ageAt === null ? 'no age (undated)' : code(spec.ageAt ?? dataset.eventDate ?? '');
    const stored = [...Object.values(p.keys), p.age, p.ageBand, p.monthOfBirth, p.homeSector, p.homeLocality, p.clk, p.linkBlocks, p.linkEdits]
      .filter((n): n is string => !!n).map(code).join(', ');
    return [code(p.person), spec.description, at, stored || 'none'];
  });
  const stored = table(['column', 'type', 'description'], viewColumns(dataset).map((c) => [code(c.name), c.type, c.description]));
  return [
    `<a id="dataset-${dataset.id}"></a>`, `## ${code(dataset.id)}: ${dataset.title}`, '', dataset.description, '', ...facts.map((f) => `- ${f}`), '',
    '### Upload columns', '', columns, '',
    '### Row rules', '', ...(rules.length ? rules.map((r) => `- ${r}`) : ['None beyond each column\'s own.']), '',
    '### Header aliases', '', aliases.length ? table(['partner', 'their header (any case)', 'column'], aliases) : 'None: the column names only.', '',
    '### People', '', people.length ? table(['person', 'who', 'age taken at', 'stored person columns'], people) : 'None.', '',
    `### Stored table ${code(dataset.id)} (Parquet; the SQL view of the same name)`, '',
    ...(linkedColumns(dataset).length ? [`The view adds ${linkedColumns(dataset).map((c) => code(c.name)).join(', ')}: the person the latest linking run (and the uploads linked on arrival since) placed the record with. The same id is the person's in every dataset and in the ${code('people')} view.`, ''] : []),
    stored, '',
  ].join('\n');
}

function codeListSection(d: Definitions, list: CodeList): string {
  const usedBy = Object.values(d.datasets).flatMap((ds) =>
    ds.columns.filter((c) => c.type.kind === 'enum' && c.type.codeList === list.id).map((c) => code(`${ds.id}.${c.name}`)));
  const maps = Object.values(d.datasets).flatMap((ds) => ds.rules.flatMap((r) => {
    const source = ds.columns.find((c) => r.rule === 'maps_to' && c.name === r.column);
    return r.rule === 'maps_to' && source?.type.kind === 'enum' && source.type.codeList === list.id ? [{ target: r.target, map: d.codeMaps[r.map] ?? {} }] : [];
  }));
  const target = maps[0];
  const aliasesOf = (value: string) => Object.entries(list.aliases).filter(([, v]) => v === value).map(([a]) => code(a)).join(', ');
  const hasLabels = Object.keys(list.labels).length > 0, hasAliases = Object.keys(list.aliases).length > 0;
  const head = ['code', ...(hasLabels ? ['meaning'] : []), ...(hasAliases ? ['also accepted'] : []), ...(target ? [target.target] : [])];
  const rows = list.values.map((v) => [code(v), ...(hasLabels ? [list.labels[v] ?? ''] : []), ...(hasAliases ? [aliasesOf(v)] : []),
    ...(target ? [target.map[v] ? code(target.map[v]) : ''] : [])]);
  const codes = head.length > 1 ? table(head, rows) : `Codes: ${list.values.map(code).join(', ')}.`;
  return [
    `<a id="code-list-${list.id}"></a>`, `### ${code(list.id)}: ${list.description}`, '',
    `Used by ${usedBy.join(', ') || 'no column'}. Matched in any case.`, '', codes, '',
  ].join('\n');
}

function linkageSection(): string {
  const segments = clkFields.map((f) => [f, String(linkageConfig.clk[f].bits), String(linkageConfig.clk[f].hashes)]);
  return [
    '## Identity fields and how they are pseudonymised', '',
    'Columns marked ◆ are identity fields: never stored, nor in any log, error or output. Each becomes what this table',
    'says. A key is the key version, `:`, and a base64url HMAC under a key derived from the secret only the key store',
    'holds, so keys can be rotated.', '',
    table(['identity field', 'becomes'], Object.entries(identityRoles).map(([role, text]) => [code(role), text])), '',
    'Person keys (`key_nhs`, `key_upn`, `key_local`, `key_name_dob`, with the person\'s prefix) link records exactly;',
    `the encodings (\`clk\`, \`link_blocks\`, \`link_edits\`, layout \`${encodingLayout}\`) link them when they disagree a little. The CLK is`,
    `${clkFields.reduce((n, f) => n + linkageConfig.clk[f].bits, 0)} bits, one segment per field, each token setting bit positions read from a keyed HMAC-SHA512:`, '',
    table(['segment', 'bits', 'positions per token'], segments), '',
    'A partner\'s record reference (the column that names its record) is stored only as a keyed hash for joins and,',
    'encrypted under that partner\'s key, in its reference vault beside the extract, outside every table:', '',
  ].join('\n');
}

/** The partners, aliases and thresholds shown are the default deployment's (LLR); another bundle's differ only there. */
export function dataDictionary(d: Definitions = { datasets, codeLists, codeMaps, agreement: loadDeployment(DEFAULT_DEPLOYMENT).agreement }): string {
  const all = Object.values(d.datasets);
  const references = all.flatMap((ds) => ds.columns.filter((c) => c.reference).map((c) => [code(`${ds.id}.${c.name}`), code(c.reference!.key)]));
  const overview = table(['dataset', 'title', 'kind', 'columns', 'stored columns', 'shared by'], all.map((ds) => [
    `[${code(ds.id)}](#dataset-${ds.id})`,
    ds.title, ds.kind, String(ds.columns.length), String(storedColumns(ds).length),
    d.agreement.partners.filter((p) => p.datasets.includes(ds.id)).map((p) => code(p.id)).join(', '),
  ]));
  const used = new Set(all.flatMap((ds) => ds.columns.flatMap((c) => (c.type.kind === 'enum' ? [c.type.codeList] : []))));
  return [
    '# Data dictionary', '',
    '<!-- Written by `npm run docs` from schemas/ (datasets/, code-lists.ts, agreement.ts, stored.ts, linkage.ts). Do not edit: change the definitions and run npm run docs. -->', '',
    `${d.agreement.version}. Every dataset a partner may upload, its columns and what each accepts, the row rules, the`,
    'header aliases, the code lists, how identity fields are pseudonymised and what is stored.', '',
    '## Reading an upload', '',
    '- The first row is the header. A header cell names a column in any case, trimmed, or by one of the partner\'s aliases.',
    '  Other columns are ignored (reported by position, never by their text) and never stored.',
    `- A required column missing from the header rejects the extract (${code('missing_column')}); an empty required cell rejects the row (${code('required')}).`,
    `- A cell that breaks its column's rule rejects the row, with the code shown. An extract with more than ${Math.round(d.agreement.ingest.maxRejectedShare * 100)}% of its rows rejected is rejected whole.`,
    '- No report or error quotes a value.', '',
    overview, '',
    linkageSection(),
    table(['record reference', 'stored as'], references), '',
    ...all.map((ds) => datasetSection(d, ds)),
    '<a id="people"></a>', `## ${code('people')}: the people the records were linked into`, '',
    'A view, one row per person, over every dataset\'s view: what an analyst\'s SQL counts when it counts people, not records.',
    'Police person rows are dated by their crime\'s recorded date; every other record by its own event or start date.', '',
    table(['column', 'type', 'description'], [
      [code('person_id'), 'string', 'The person (pseudonymous; the person_id columns of the datasets\' views)'],
      [code('first_seen'), 'date', 'The earliest date of their records'], [code('last_seen'), 'date', 'The latest date of their records'],
      [code('partners'), 'string', 'The partners whose records they are in, `;`-separated, sorted'],
      [code('datasets'), 'string', 'The datasets their records are in, `;`-separated, sorted'],
      [code('records'), 'int', 'How many records they have (a police person row each; one per crime and role)'],
    ]), '',
    '## Code lists', '',
    ...Object.values(d.codeLists).filter((l) => used.has(l.id)).map((l) => codeListSection(d, l)),
  ].join('\n');
}
