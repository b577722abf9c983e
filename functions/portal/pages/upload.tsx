import { datasets } from '../../../schemas/datasets/index.ts';
import { expectedFor } from '../../../schemas/dictionary.ts';
import type { IngestReport } from '../../ingest/report.ts';
import type { UploadStatus } from '../../ingest/pending-upload.ts';
import { DataTable } from '../layout.tsx';
import { PORTAL_API, PORTAL_ASSETS, portalUser, type Portal } from '../page-context.ts';

/**
 * Drag-and-drop, progress and the two-step flow for files over the direct limit; the report page does the rest.
 * Served as a file (/portal/assets/upload.js), so the Content-Security-Policy needs no inline script.
 */
export const uploadScript = () => `
const form = document.getElementById('upload-form');
const limit = Number(form.getAttribute('data-direct-limit'));
const zone = document.getElementById('drop-zone');
const input = document.getElementById('file');
const chosen = document.getElementById('chosen');
const bar = document.getElementById('progress');
const status = document.getElementById('upload-status');
const show = () => { chosen.textContent = input.files.length ? input.files[0].name + ' (' + input.files[0].size.toLocaleString() + ' bytes)' : 'No file chosen'; };
input.addEventListener('change', show);
zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
zone.addEventListener('dragleave', () => zone.classList.remove('over'));
zone.addEventListener('drop', (e) => { e.preventDefault(); zone.classList.remove('over'); input.files = e.dataTransfer.files; show(); });
function send(method, url, body, headers) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = () => { try { resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) }); } catch { reject(new Error('unexpected answer')); } };
    xhr.onerror = () => reject(new Error('the upload failed: check the connection'));
    xhr.send(body);
  });
}
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!input.files.length) { status.textContent = 'Choose a file first.'; return; }
  const file = input.files[0];
  const q = new URLSearchParams({ dataset: form.dataset.value, partner: form.partner.value, file_name: file.name });
  if (form.period_from.value) q.set('period_from', form.period_from.value);
  if (form.period_to.value) q.set('period_to', form.period_to.value);
  bar.value = 0; status.textContent = 'Uploading ' + file.name + '…';
  try {
    let answer;
    if (file.size > limit) {
      const asked = await send('POST', '${PORTAL_API}/uploads?' + q, null, { 'x-vrn-portal': '1' });
      if (asked.status !== 202) throw new Error(asked.body.message);
      const put = await send('PUT', asked.body.upload_url, file, {});
      if (put.status !== 200) throw new Error(put.body.message);
      answer = asked;
    } else {
      answer = await send('POST', '${PORTAL_API}/uploads?' + q, file, { 'x-vrn-portal': '1' });
      if (!answer.body.upload_id) throw new Error(answer.body.message);
    }
    bar.value = 100;
    location.assign('/portal/uploads/' + answer.body.upload_id);
  } catch (error) { status.textContent = 'Not uploaded: ' + error.message; }
});`;

export function registerUploadPages(portal: Portal) {
  const { app, deps } = portal;

  app.get('/portal/upload', async (c) => {
    const user = portalUser(c);
    const partner = deps.platform.agreement.partners.find((p) => p.id === user.organisation);
    if (!partner || user.role !== 'partner_uploader') return portal.problem(c, 'Upload an extract', { status: 403, data: { message: 'only partner uploaders upload extracts' } });
    const recent = await portal.api(c, 'GET', '/v1/uploads?limit=20');
    const uploads = (recent.status === 200 ? recent.data.uploads : []) as {
      upload_id: string; dataset: string; status: string; rows_read: number; rows_rejected: number; received_at: string; duplicate_of?: string; restores?: string;
      period_from: string | null; period_to: string | null; file_name?: string; uploaded_by?: string; warnings: number;
    }[];
    return portal.page(c, 'Upload an extract', (
      <>
      <section>
        <form id="upload-form" data-direct-limit={String(deps.limits.directUploadBytes)}>
          <input type="hidden" name="partner" value={partner.id} />
          <p>Uploading as <strong>{partner.name}</strong>. CSV (UTF-8 or Windows-1252) or XLSX, in the formats of the information-sharing schema.</p>
          <label for="dataset">Dataset</label>
          <select id="dataset" name="dataset">{partner.datasets.map((d) => <option value={d}>{d}</option>)}</select>
          <div class="inline">
            <label for="period_from">Period from (optional)</label><input id="period_from" name="period_from" type="date" />
            <label for="period_to">to</label><input id="period_to" name="period_to" type="date" />
          </div>
          <div id="drop-zone" class="drop-zone">
            <label for="file">Drop the file here, or choose it</label>
            <input id="file" name="file" type="file" accept=".csv,.xlsx,text/csv" />
            <p id="chosen" class="muted">No file chosen</p>
          </div>
          <p><label for="progress">Progress</label><progress id="progress" max="100" value="0">0%</progress></p>
          <button type="submit">Upload and validate</button>
          <p id="upload-status" role="status" aria-live="polite"></p>
        </form>
        <script src={`${PORTAL_ASSETS}/upload.js`} />
      </section>
      <section>
        <h2>Templates</h2>
        <p>The header and one example row of each dataset you share; the spreadsheet has the data dictionary (what each column expects, and notes) on its second sheet.</p>
        <ul class="downloads">{partner.datasets.map((d) => (
          <li>{datasets[d]?.title ?? d}: <a href={`${PORTAL_API}/datasets/${d}/template?format=xlsx`} download="">template (XLSX)</a>
            <a href={`${PORTAL_API}/datasets/${d}/template?format=csv`} download="">header and example (CSV)</a></li>
        ))}</ul>
      </section>
      <section>
        <h2>Your organisation's recent uploads</h2>
        {uploads.length === 0 ? <p>None yet.</p> : (
          <table>
            <thead><tr>{['received', 'file', 'dataset', 'period', 'uploaded by', 'outcome', 'rows read', 'rejected', 'report'].map((h) => <th scope="col">{h}</th>)}</tr></thead>
            <tbody>{uploads.map((u) => (
              <tr><td class="date">{u.received_at.slice(0, 16).replace('T', ' ')}</td><td>{u.file_name ?? '—'}</td><td>{u.dataset}</td>
                <td class="date">{u.period_from ?? '—'} to {u.period_to ?? '—'}</td><td>{u.uploaded_by ?? '—'}</td>
                <td class={u.status}>{u.status}{u.duplicate_of ? `: a duplicate of ${u.duplicate_of}, nothing changed` : u.restores ? `: restored ${u.restores}, which counts again` : ''}
                  {u.warnings > 0 && <span class="muted"> ({u.warnings} warning{u.warnings === 1 ? '' : 's'})</span>}</td>
                <td class="n">{u.rows_read}</td><td class="n">{u.rows_rejected}</td><td><a href={`/portal/uploads/${u.upload_id}`}>{u.upload_id}</a></td></tr>
            ))}</tbody>
          </table>
        )}
      </section>
      </>
    ));
  });

  app.get('/portal/uploads/:id', async (c) => {
    const result = await portal.api(c, 'GET', `/v1/uploads/${encodeURIComponent(c.req.param('id'))}`);
    if (result.status !== 200) return portal.problem(c, 'Upload', result);
    const status = result.data as UploadStatus;
    if (status.status === 'failed') return portal.page(c, `Upload ${status.upload_id}`, <section role="alert"><p class="error"><strong>Not ingested:</strong> {status.reason}</p></section>);
    if (!('report' in status)) {
      c.header('refresh', '2');
      return portal.page(c, `Upload ${status.upload_id}`, <section><p role="status">{status.status === 'ingesting' ? 'The file has arrived and is being validated…' : 'Waiting for the file…'} This page refreshes itself.</p></section>);
    }
    return portal.page(c, `Upload ${status.upload_id}`, <Report report={status.report} />);
  });
}

function Report({ report }: { report: IngestReport }) {
  const rejections = report.rejections ?? []; // reports stored before the summary existed have none
  const warnings = report.warnings ?? [];
  const dataset = datasets[report.dataset];
  const expected = (column: string | null, code: string) => (dataset ? expectedFor(dataset, column, code) : null);
  return (
    <>
      <section>
        <h2 class={report.status === 'accepted' ? 'accepted' : 'error'}>Extract {report.status}{report.duplicate_of ? ': nothing changed' : ''}</h2>
        {report.duplicate_of && <p role="status">This file is already the latest extract for its period (upload {report.duplicate_of}): nothing changed.</p>}
        {report.restores && <p role="status">This file was uploaded before as {report.restores} and counts again from now: it is the latest extract for its period.</p>}
        <DataTable caption="Validation report" columns={['dataset', 'partner', 'period', 'rows read', 'accepted', 'rejected']}
          rows={[[report.dataset, report.partner, `${report.period_from ?? '—'} to ${report.period_to ?? '—'}`, report.rows_read, report.rows_accepted, report.rows_rejected]]} />
        {report.columns_ignored.length > 0 && <p>Columns not in the schema, not stored: {report.columns_ignored.join(', ')}</p>}
        {report.supersedes.length > 0 && <p>Supersedes: {report.supersedes.join(', ')}</p>}
        {(report.file_name || report.uploaded_by) && <p class="muted">{report.file_name ? `File ${report.file_name}` : 'Uploaded'}{report.uploaded_by ? `, by ${report.uploaded_by}` : ''}, received {report.received_at.slice(0, 16).replace('T', ' ')}.</p>}
      </section>
      {warnings.length > 0 && (
        <section aria-labelledby="warnings-head">
          <h2 id="warnings-head">Warnings ({warnings.length}): stored, but worth a look</h2>
          <ul id="warnings">{warnings.map((w) => <li><strong>{w.column ?? 'period'}</strong> [{w.code}]: {w.message}</li>)}</ul>
        </section>
      )}
      <section>
        <h2>Problems ({report.errors.length})</h2>
        {report.errors.length === 0 ? <p>None: every row was accepted.</p> : (
          <DataTable caption="Rejected rows and extract problems" columns={['line', 'column', 'code', 'reason', 'expected']}
            rows={report.errors.map((e) => [e.line ?? 'extract', e.column, e.code, e.message, expected(e.column, e.code)])} />
        )}
        {report.errors.length > 0 && <p class="downloads"><a href={`${PORTAL_API}/uploads/${report.upload_id}/rejected-rows`} download="">Rejected rows (CSV: line, column, code, reason, expected)</a></p>}
        {report.rejected_rows_not_listed > 0 && <p>The first 1,000 rejected rows are listed; {report.rejected_rows_not_listed} more are counted below but not listed.</p>}
      </section>
      {rejections.length > 0 && (
        <section>
          <h2>Rejected rows by column and code</h2>
          <DataTable caption="Every rejected row, counted by column and code, with what is expected" columns={['column', 'code', 'rows', 'expected']}
            rows={rejections.map((r) => [r.column ?? '(whole row)', r.code, r.rows, expected(r.column, r.code)])} />
        </section>
      )}
    </>
  );
}
