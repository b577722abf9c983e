import type { Child } from 'hono/jsx';
import { policy, type Action, type User } from '../../schemas/access.ts';
import { products, type ProductRegistry } from '../products/registry.ts';

export interface MenuPage { href: string; label: string; action: Action }

/** The pages a role sees in the menu: one per action its policy allows; the products' from the registry, in its order. */
const pages = (registry: ProductRegistry): MenuPage[] => [
  { href: '/portal/upload', label: 'Upload an extract', action: 'upload.create' },
  ...registry.flatMap((p) => (p.portal ? [{ href: p.portal.href, label: p.title, action: p.action }] : [])),
  { href: '/portal/panel', label: 'Panel meetings', action: 'panel.read' },
  { href: '/portal/sql', label: 'SQL', action: 'query.run' },
  { href: '/portal/linkage-review', label: 'Linkage review', action: 'linkage.review' },
  { href: '/portal/audit', label: 'Audit trail', action: 'audit.read' },
];

export const pagesFor = (user: User, registry: ProductRegistry = products) => pages(registry).filter((p) => policy[user.role]?.[p.action]);
export const may = (user: User, action: Action) => Boolean(policy[user.role]?.[action]);

/** The portal's stylesheet, served as /portal/assets/portal.css (no inline style: see the Content-Security-Policy). */
export const portalStyle = `
  body { font: 16px/1.45 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f7f9; }
  header { background: #123a57; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  header a { color: #fff; } header nav a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; text-underline-offset: .3em; } header .who { margin-left: auto; font-size: .9rem; }
  nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .2rem 1rem; margin: 0; padding: 0; }
  main { max-width: 1240px; margin: 1rem auto; padding: 0 1.2rem 3rem; }
  section, .panel { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 1rem 1.2rem; margin: 1rem 0; }
  table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; } th, td { border: 1px solid #d8dde3; padding: .25rem .5rem; text-align: left; vertical-align: top; }
  th { background: #eef2f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
  label { display: block; font-weight: 600; margin: .5rem 0 .2rem; } .inline label { display: inline-block; margin-right: .5rem; }
  input, select, textarea, button { font: inherit; } textarea { width: 100%; }
  button, .button { background: #1f5f8b; color: #fff; border: 0; border-radius: 4px; padding: .4rem .9rem; cursor: pointer; text-decoration: none; display: inline-block; }
  a:focus, button:focus, input:focus, select:focus, textarea:focus, .drop-zone:focus-within { outline: 3px solid #f0b400; outline-offset: 2px; }
  .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; color: #123a57; padding: .3rem .6rem; z-index: 2; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  td.id, td.date { white-space: nowrap; } .scroll { overflow-x: auto; } form.row { display: flex; gap: .3rem; margin: 0; } form.row select { max-width: 13rem; }
  .inline input, .inline select { margin-right: 1rem; } progress { width: 22rem; height: 1.1rem; }
  .drop-zone { margin: 1rem 0; border: 2px dashed #1f5f8b; border-radius: 8px; padding: 1.5rem; text-align: center; background: #f4f8fb; }
  .drop-zone.over { background: #dcecf7; } .error { color: #a4161a; } .muted { color: #5a6570; } .accepted { color: #1d6b2f; }
  details.evidence[open] { min-width: 36rem; }
  .sql-layout { display: grid; grid-template-columns: minmax(0, 1fr) 20rem; gap: 1rem; align-items: start; } .sql-main { min-width: 0; }
  .tables { font-size: .88rem; max-height: 80vh; overflow-y: auto; } .tables ul { padding-left: 1rem; margin: .3rem 0; }
  .result-table { max-height: 70vh; overflow: auto; } .pager { align-items: center; flex-wrap: wrap; margin: .4rem 0; color: #1b1b1b; font-size: 1rem; }
  .checks { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; } .checks label { display: inline; font-weight: 400; margin: 0 0 0 .25rem; }
  .downloads a { margin-right: .8rem; } .charts svg { max-width: 100%; height: auto; } svg.chart { display: block; width: 100%; max-width: 32rem; height: auto; } .attribution { color: #5a6570; font-size: .8rem; max-width: 32rem; }
  details.chart-data { margin: .3rem 0 1rem; } details.chart-data summary { cursor: pointer; }
  @media (max-width: 40rem) { main { padding: 0 .5rem 2rem; } section, .panel { padding: .8rem .6rem; } } figure { margin: 1rem 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
  ul.reasons { min-width: 24rem; margin: 0; padding-left: 1rem; } td.events { min-width: 10rem; } .seen-again { color: #8a1c1c; }
  form.decision { display: grid; grid-template-columns: auto 14rem; gap: .2rem .5rem; align-items: center; min-width: 24rem; } form.decision label { margin: 0; font-weight: 400; }
`;

/** The menu entry of the page at this path (its own page, or one under it such as an upload's report). */
const isCurrent = (href: string, path?: string) => !!path && (path === href || path.startsWith(`${href}/`) || path.startsWith(`${href}s/`));

/** `service`: the deployment's portal title (schemas/deployments/<name>/names.json). */
export function Layout(props: { title: string; service: string; user?: User; path?: string; registry?: ProductRegistry; children: Child }) {
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · {props.service}</title>
        <link rel="stylesheet" href="/portal/assets/portal.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header>
          <a href="/portal"><strong>{props.service}</strong></a>
          {props.user && (
            <nav aria-label="Pages">
              <ul>{pagesFor(props.user, props.registry).map((p) => <li><a href={p.href} aria-current={isCurrent(p.href, props.path) ? 'page' : undefined}>{p.label}</a></li>)}</ul>
            </nav>
          )}
          {props.user && (
            <form class="who" method="post" action="/portal/sign-out">
              Signed in as <strong>{props.user.id}</strong> ({props.user.role.replace('_', ' ')}) <button type="submit">Sign out</button>
            </form>
          )}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A chart drawn on the server, captioned with its own (already escaped) title. */
export function Svg(props: { svg: string }) {
  const title = /aria-label="([^"]*)"/.exec(props.svg)?.[1] ?? '';
  return (
    <figure class="charts">
      <figcaption dangerouslySetInnerHTML={{ __html: title }} />
      <div dangerouslySetInnerHTML={{ __html: props.svg }} />
    </figure>
  );
}

/** A chart or map drawn on the server (analytics/render/svg.ts, map.ts): its own figure, caption, SVG and the table behind it. */
export function Chart(props: { html: string }) {
  return <div class="charts" dangerouslySetInnerHTML={{ __html: props.html }} />;
}

/** A result table: every cell escaped by JSX. */
export function DataTable(props: { caption?: string; columns: string[]; rows: (string | number | boolean | null | undefined)[][] }) {
  return (
    <table>
      {props.caption && <caption>{props.caption}</caption>}
      <thead><tr>{props.columns.map((c) => <th scope="col">{c}</th>)}</tr></thead>
      <tbody>{props.rows.map((r) => <tr>{r.map((v) => <td class={typeof v === 'number' ? 'n' : undefined}>{v === null || v === undefined ? '—' : String(v)}</td>)}</tr>)}</tbody>
    </table>
  );
}

export function Problem(props: { status: number; message: string }) {
  return <section role="alert"><p class="error"><strong>{props.status === 403 ? 'Not allowed' : 'Could not do that'}:</strong> {props.message}</p></section>;
}
