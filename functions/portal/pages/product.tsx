import type { Product } from '../../products/product.ts';
import { DataTable, Svg } from '../layout.tsx';
import { PORTAL_API, portalUser, type Portal } from '../page-context.ts';

/**
 * The page of a product the portal has no page of its own for (`portal.own`): a field for each request field, the
 * product's charts (`portal.charts`, inline SVG), its tables, and its files. The API answers it, with the same policy and audit trail as any client.
 */
export function registerProductPage(portal: Portal, product: Product) {
  if (!product.portal || product.portal.own) return;
  const charts = product.portal.charts;
  const inPath = Object.keys(product.api.params?.shape ?? {});
  const fields = [...inPath, ...Object.keys(product.api.query.shape)];
  portal.app.get(product.portal.href, async (c) => {
    const defaults = await portal.defaults();
    const given = Object.fromEntries(fields.map((f) => [f, c.req.query(f) || (f === 'period' ? defaults.period : f === 'as_of' ? defaults.asOf
      : f === 'panel' ? portalUser(c).panel ?? portal.deps.platform.area.panels[0].id : '')]));
    const form = (
      <form method="get" class="panel inline">
        {fields.map((f) => <><label for={f}>{f.replace(/_/g, ' ')}</label><input id={f} name={f} value={given[f]} /></>)}
        <button type="submit">Show</button>
      </form>
    );
    const path = product.api.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(given[name]));
    const url = `${path}?${new URLSearchParams(Object.entries(given).filter(([f, v]) => !inPath.includes(f) && v !== ''))}`;
    const result = await portal.api(c, 'GET', url);
    if (result.status === 401) return portal.problem(c, product.title, result);
    if (result.status !== 200) return portal.page(c, product.title, <>{form}<p class="error" role="alert">{result.data?.message ?? 'the request failed'}</p></>, result.status);
    const files = product.formats.filter((f) => f !== 'json');
    return portal.page(c, product.title, (
      <>
        {form}
        <section>
          {files.length > 0 && <p class="downloads">Download: {files.map((f) => <a href={`${url.replace(/^\/v1/, PORTAL_API)}&format=${f}`} download={f !== 'html' ? '' : undefined}>{f.toUpperCase()}</a>)}</p>}
          {charts && <div class="charts">{charts(result.data).map((svg) => <Svg svg={svg} />)}</div>}
          {product.tables(result.data).sheets.map((t) => <DataTable caption={t.name} columns={t.columns} rows={t.rows} />)}
        </section>
      </>
    ));
  });
}
