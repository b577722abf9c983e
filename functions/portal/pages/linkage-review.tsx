import type { Interval, Quality } from '../../../analytics/matching/quality.ts';
import type { BlindItem, ReviewItem } from '../../../analytics/matching/review.ts';
import { signed, waterfallChart, waterfallLayout } from '../../../analytics/render/waterfall.ts';
import type { Decision } from '../../linkage/decisions.ts';
import type { Child } from 'hono/jsx';
import { Svg } from '../layout.tsx';
import type { Portal } from '../page-context.ts';

/** Pairs shown on one page of a list, unless ?size= says otherwise (up to 200). */
const PAGE = 50;
type Context = Parameters<Portal['page']>[0];

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const estimate = (i: Interval | null) => (i ? `${pct(i.estimate)} (95% interval ${pct(i.low)} to ${pct(i.high)})` : 'not estimated yet');

/** Above and below the table: where this page sits, in words, and the way to the pages either side. */
function Pager(props: { where: 'above' | 'below'; offset: number; shown: number; total: number; page: number; pages: number; link: (page: number) => string }) {
  if (props.pages <= 1) return null;
  return (
    <nav class="downloads pager" aria-label={`pages of the list (${props.where} the table)`}>
      <span>Pairs {props.offset + 1} to {props.offset + props.shown} of {props.total}, page {props.page} of {props.pages}.</span>{' '}
      {props.page > 1 && <a href={props.link(props.page - 1)} rel="prev">Previous page</a>}
      {props.page < props.pages && <a href={props.link(props.page + 1)} rel="next">Next page</a>}
    </nav>
  );
}

/** Two buttons and nothing chosen beforehand: the analyst's click is the decision. */
function DecisionButtons(props: { action: string; pair: string }) {
  return (
    <form method="post" action={props.action} class="row">
      <button type="submit" name="decision" value="accept">Same person<span class="sr-only">: {props.pair}</span></button>
      <button type="submit" name="decision" value="reject">Not the same person<span class="sr-only">: {props.pair}</span></button>
    </form>
  );
}

/** The waterfall, and the same numbers as a table for screen readers and for reading off. */
function Evidence(props: { item: ReviewItem }) {
  const e = props.item.evidence;
  if (!e) return <span class="muted">none</span>;
  const layout = waterfallLayout(e);
  return (
    <details class="evidence">
      <summary>evidence</summary>
      <Svg svg={waterfallChart(`Evidence for ${props.item.pair}`, e)} />
      <table>
        <caption>Evidence for {props.item.pair}, in log-odds</caption>
        <thead><tr><th scope="col">step</th><th scope="col">weight</th><th scope="col">running total</th></tr></thead>
        <tbody>
          {layout.rows.filter((r) => r.kind !== 'total').map((r) => <tr><th scope="row">{r.label}</th><td class="n">{signed(r.to - r.from)}</td><td class="n">{signed(r.to)}</td></tr>)}
          <tr><th scope="row">score</th><td class="n">{signed(layout.total)}</td><td class="n">probability {pct(layout.probability)}</td></tr>
        </tbody>
      </table>
    </details>
  );
}

type PagerProps = Omit<Parameters<typeof Pager>[0], 'where'>;

/** A list of pairs: the pager above and below the table, and a row per pair (id, partners, its cells, the decision). */
function PairList<T extends BlindItem>(props: { pager: PagerProps; heads: string[]; pairs: T[]; cells: (p: T) => Child; action: (p: T) => string }) {
  return (
    <>
      <Pager where="above" {...props.pager} />
      <div class="scroll"><table>
        <thead><tr>{['pair', 'partners', ...props.heads, 'forename', 'surname', 'date of birth', 'postcode', 'sex', 'decision'].map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>{props.pairs.map((p) => (
          <tr>
            <td class="id">{p.pair}</td><td>{p.records[0].partner} ↔ {p.records[1].partner}</td>{props.cells(p)}
            {Object.values(p.fields).map((a) => <td>{a}</td>)}
            <td><DecisionButtons action={props.action(p)} pair={p.pair} /></td>
          </tr>
        ))}</tbody>
      </table></div>
      <Pager where="below" {...props.pager} />
    </>
  );
}

function Notice(props: { result: { status: number; data: any } }) {
  if (props.result.status !== 200) return <p class="panel error" role="alert">{props.result.data.message}</p>;
  const d = props.result.data as Decision;
  const said = d.pair.startsWith('B-')
    ? (d.decision === 'accept' ? 'recorded as one person (the link stands)' : 'recorded as not one person: the link is undone')
    : (d.decision === 'accept' ? 'accepted as one person' : 'kept apart');
  return (
    <div class="panel accepted" role="status">
      <form method="post" action={`/portal/linkage-review/undo/${d.pair}`} class="row">
        <span>{d.pair}: {said}.</span>
        <button type="submit">Undo</button>
      </form>
    </div>
  );
}

/** The linkage review for analysts: the queue with its evidence, blind review of auto-links, and the quality estimates. */
export function registerLinkageReviewPages(portal: Portal) {
  const { app } = portal;

  /** A page of a list from the API, and its pager. */
  const list = async <T,>(c: Context, api: string, path: string) => {
    const page = Math.max(1, Math.floor(Number(c.req.query('page')) || 1));
    const size = Math.min(200, Math.max(1, Math.floor(Number(c.req.query('size')) || PAGE)));
    const result = await portal.api(c, 'GET', `${api}?limit=${size}&offset=${(page - 1) * size}`);
    const { total, offset, pairs = [] } = result.data as { total: number; offset: number; pairs: T[] };
    const link = (to: number) => `${path}?page=${to}${size === PAGE ? '' : `&size=${size}`}`;
    return { result, pairs, pager: { offset, shown: pairs.length, total, page, pages: Math.max(1, Math.ceil(total / size)), link } };
  };

  const queuePage = async (c: Context, notice?: unknown) => {
    const { result, pairs, pager } = await list<ReviewItem>(c, '/v1/linkage/review', '/portal/linkage-review');
    if (result.status !== 200) return portal.problem(c, 'Linkage review', result);
    const stats = await portal.api(c, 'GET', '/v1/linkage/review/stats');
    if (stats.status !== 200) return portal.problem(c, 'Linkage review', stats);
    const q = stats.data as Quality;
    return portal.page(c, 'Linkage review', (
      <>
        {notice}
        <section id="quality" aria-labelledby="quality-head">
          <h2 id="quality-head">Linkage quality, estimated from the decisions</h2>
          <p>Precision of auto-links: <strong>{estimate(q.precision)}</strong>, from {q.blind.accepted + q.blind.rejected} blind-reviewed
            auto-link(s). Recall: <strong>{estimate(q.recall)}</strong>; it counts only the matches that reached this queue, so
            matches never compared or scored below the review threshold are not in it.</p>
          <p><a href="/portal/linkage-review/blind">Blind review</a>: {q.blind.offered} of {q.blind.autoLinked} auto-linked pair(s) offered, without their score.</p>
        </section>
        <section>
          <p>{pager.total} pair(s) scored between the review and auto-link thresholds, best score first. Each shows which fields
            agreed, partly agreed, disagreed or were missing, and the evidence behind its score; no value is shown. A decision
            is remembered for every later linkage and recorded in the audit trail, and can be undone.</p>
          <PairList pager={pager} heads={['score', 'evidence']} pairs={pairs} action={(p) => `/portal/linkage-review/${p.pair}`}
            cells={(p) => <><td class="n">{p.score.toFixed(3)}</td><td><Evidence item={p} /></td></>} />
        </section>
      </>
    ));
  };

  const blindPage = async (c: Context, notice?: unknown) => {
    const { result, pairs, pager } = await list<BlindItem>(c, '/v1/linkage/review/blind', '/portal/linkage-review/blind');
    if (result.status !== 200) return portal.problem(c, 'Blind review of auto-links', result);
    return portal.page(c, 'Blind review of auto-links', (
      <>
        {notice}
        <section>
          <p>{pager.total} pair(s) that linking joined automatically, drawn at random, shown without their score so that your
            judgement is your own. Your decisions estimate how often auto-links are right (<a href="/portal/linkage-review">back
            to the review queue</a>). "Same person" changes nothing; "Not the same person" undoes the link.</p>
          <PairList pager={pager} heads={[]} pairs={pairs} action={(p) => `/portal/linkage-review/blind/${p.pair}`} cells={() => null} />
        </section>
      </>
    ));
  };

  const recorded = async (c: Context, path: string, again: typeof queuePage) => {
    const form = await c.req.parseBody();
    const result = await portal.api(c, 'POST', path, { decision: form.decision });
    if (result.status === 401 || result.status === 403) return portal.problem(c, 'Linkage review', result);
    return again(c, <Notice result={result} />);
  };

  app.get('/portal/linkage-review', (c) => queuePage(c));
  app.get('/portal/linkage-review/blind', (c) => blindPage(c));
  app.post('/portal/linkage-review/blind/:pair', (c) =>
    recorded(c, `/v1/linkage/review/blind/${encodeURIComponent(c.req.param('pair'))}`, blindPage));
  app.post('/portal/linkage-review/undo/:pair', async (c) => {
    const pair = c.req.param('pair');
    const result = await portal.api(c, 'DELETE', `/v1/linkage/review/${encodeURIComponent(pair)}`);
    if (result.status === 401 || result.status === 403) return portal.problem(c, 'Linkage review', result);
    const notice = result.status === 200
      ? <p class="panel accepted" role="status">{(result.data as Decision).pair}: decision undone; the pair is back in its list.</p>
      : <p class="panel error" role="alert">{result.data.message}</p>;
    return (pair.startsWith('B-') ? blindPage : queuePage)(c, notice);
  });
  app.post('/portal/linkage-review/:pair', (c) =>
    recorded(c, `/v1/linkage/review/${encodeURIComponent(c.req.param('pair'))}`, queuePage));
}
