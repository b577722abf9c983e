import type { Decision, ReviewItem } from '../../../analytics/matching/review.ts';
import type { Portal } from '../portal.tsx';

/** Pairs shown on one page of the queue, unless ?size= says otherwise (up to 200). */
const PAGE = 50;

/** The linkage review queue for analysts: which fields of each pair agreed (never a value), accept or reject. */
export function registerLinkageReviewPages(portal: Portal) {
  const { app } = portal;

  const queuePage = async (c: Parameters<Portal['page']>[0], notice?: unknown) => {
    const page = Math.max(1, Math.floor(Number(c.req.query('page')) || 1));
    const size = Math.min(200, Math.max(1, Math.floor(Number(c.req.query('size')) || PAGE)));
    const result = await portal.api(c, 'GET', `/v1/linkage/review?limit=${size}&offset=${(page - 1) * size}`);
    if (result.status !== 200) return portal.problem(c, 'Linkage review', result);
    const { total, offset } = result.data as { total: number; offset: number };
    const pairs = result.data.pairs as ReviewItem[];
    const pages = Math.max(1, Math.ceil(total / size));
    const link = (to: number) => `/portal/linkage-review?page=${to}${size === PAGE ? '' : `&size=${size}`}`;
    return portal.page(c, 'Linkage review', (
      <>
        {notice}
        <section>
          <p>{total} pair(s) scored between the review and auto-link thresholds, best score first. Each shows which fields
            agreed, partly agreed, disagreed or were missing; no value is shown. A decision is remembered for every later
            linkage and recorded in the audit trail.</p>
          {total > size && (
            <nav class="downloads" aria-label="pages of the queue" id="queue-pages">
              <span>pairs {offset + 1}–{offset + pairs.length} of {total}</span>
              {page > 1 && <a href={link(page - 1)}>previous</a>}
              {page < pages && <a href={link(page + 1)}>next</a>}
            </nav>
          )}
          <div class="scroll"><table>
            <thead><tr>{['pair', 'partners', 'score', 'forename', 'surname', 'date of birth', 'postcode', 'sex', 'decision'].map((h) => <th scope="col">{h}</th>)}</tr></thead>
            <tbody>{pairs.map((p) => (
              <tr>
                <td class="id">{p.pair}</td><td>{p.records[0].partner} ↔ {p.records[1].partner}</td><td class="n">{p.score.toFixed(3)}</td>
                <td>{p.fields.forename}</td><td>{p.fields.surname}</td><td>{p.fields.dob}</td><td>{p.fields.postcode}</td><td>{p.fields.sex}</td>
                <td>
                  <form method="post" action={`/portal/linkage-review/${p.pair}`} class="row">
                    <label class="sr-only" for={`decision-${p.pair}`}>Decision on {p.pair}</label>
                    <select id={`decision-${p.pair}`} name="decision"><option value="reject">same person: no</option><option value="accept">same person: yes</option></select>
                    <button type="submit">Record</button>
                  </form>
                </td>
              </tr>
            ))}</tbody>
          </table></div>
        </section>
      </>
    ));
  };

  app.get('/portal/linkage-review', (c) => queuePage(c));

  app.post('/portal/linkage-review/:pair', async (c) => {
    const form = await c.req.parseBody();
    const result = await portal.api(c, 'POST', `/v1/linkage/review/${encodeURIComponent(c.req.param('pair'))}`, { decision: form.decision });
    if (result.status === 401 || result.status === 403) return portal.problem(c, 'Linkage review', result);
    const notice = result.status === 200
      ? <p class="panel accepted" role="status">{(result.data as Decision).pair}: {(result.data as Decision).decision === 'accept' ? 'accepted as one person' : 'kept apart'}.</p>
      : <p class="panel error" role="alert">{result.data.message}</p>;
    return queuePage(c, notice);
  });
}
