// 完了報告: outcome, tow km, storage hours, fuel, extras; the split between the warranty and the
// customer as the server computes it (POST /v1/jobs/{id}/charges/preview), shown BEFORE the final
// tap; the customer signs on the glass; the completion goes through the outbox with the signature
// (a PNG as base64, at most 200 KB) and the truck's position.
import { html, useState, useEffect, useRef, useMemo, debounce } from '../shared/ui.js';
import { post, errorSummary, ApiError } from '../shared/api.js';
import { yen } from '../shared/format.js';
import { ErrorSummary, FieldError } from './parts.js';
import * as ja from './ja.js';

const PREVIEW_DELAY_MS = 250;
const MAX_SIGNATURE_BYTES = 200 * 1024;

export function ChargesSplit({ charges, title }) {
  return html`<div class="charges" data-testid="split">
    ${title && html`<p class="done-mark" role="status">${title}</p>`}
    <div class="split">
      <div><span class="label">保証（無料）</span><strong data-testid="covered-yen">${yen(charges.covered_yen)}</strong></div>
      <div><span class="label">お客様ご負担</span><strong data-testid="customer-yen">${yen(charges.customer_yen)}</strong></div>
    </div>
    <table class="lines"><caption class="visually-hidden">料金の内訳</caption>
      <thead><tr><th scope="col">項目</th><th scope="col" class="num">金額</th><th scope="col">負担</th></tr></thead>
      <tbody>${(charges.lines || []).map((l) => html`<tr><td>${ja.chargeLines[l.code] || l.code}${l.quantity > 1 ? ` ×${l.quantity}` : ''}</td>
        <td class="num">${yen(l.amount_yen)}</td><td>${l.payer === 'customer' ? 'お客様' : '保証'}</td></tr>`)}</tbody>
    </table></div>`;
}

// The customer's signature: pointer strokes on a canvas (finger or pen), exported as a PNG.
export function SignaturePad({ onChange }) {
  const ref = useRef(null);
  const drawing = useRef(false);
  const strokes = useRef(0);
  useEffect(() => {
    const c = ref.current;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    c.width = c.clientWidth * ratio;
    c.height = c.clientHeight * ratio;
    const g = c.getContext('2d');
    g.scale(ratio, ratio);
    g.lineWidth = 2.5;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#0b0c0c';
  }, []);
  const at = (e) => { const r = ref.current.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const down = (e) => {
    e.preventDefault();
    ref.current.setPointerCapture(e.pointerId);
    drawing.current = true;
    const g = ref.current.getContext('2d');
    g.beginPath();
    g.moveTo(...at(e));
  };
  const move = (e) => {
    if (!drawing.current) return;
    const g = ref.current.getContext('2d');
    g.lineTo(...at(e));
    g.stroke();
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    strokes.current += 1;
    onChange(ref.current.toDataURL('image/png'));
  };
  const clear = () => {
    const c = ref.current;
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
    strokes.current = 0;
    onChange(null);
  };
  return html`<div class="field" id="f-signature">
    <label id="sig-label">お客様のご署名</label>
    <canvas class="signature" ref=${ref} role="img" aria-labelledby="sig-label" data-testid="signature"
      onPointerDown=${down} onPointerMove=${move} onPointerUp=${up} onPointerCancel=${up} onPointerLeave=${up}></canvas>
    <p class="hint">画面に指でご署名ください。<button type="button" class="quiet" onClick=${clear}>書き直す</button></p>
  </div>`;
}

function completionBody(job, f) {
  const tow = job.service === 'tow';
  const b = { outcome: f.outcome, customer_signed: true };
  if (tow) {
    b.tow_distance_km = Number(f.towKm || 0);
    if (f.outcome === 'towed_to_storage') b.storage_hours = Number(f.storageHours || 0);
  }
  if (job.service === 'fuel_delivery' && f.fuel !== '') b.fuel_litres = Number(f.fuel);
  const extras = f.extras.filter((x) => x.code);
  if (extras.length) {
    b.extras = extras.map((x) => (ja.extrasWithAmount.includes(x.code) ? { code: x.code, amount_yen: Number(x.amount || 0) } : { code: x.code, quantity: Number(x.quantity || 1) }));
  }
  return b;
}

function usePreview(job, body) {
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const run = useMemo(() => debounce(async (b) => {
    try {
      const r = await post(`/v1/jobs/${encodeURIComponent(job.job_id)}/charges/preview`, b);
      setPreview(r.charges);
      setError(null);
    } catch (e) { setPreview(null); setError(e); }
  }, PREVIEW_DELAY_MS), [job.job_id]);
  const key = JSON.stringify(body);
  useEffect(() => { run(body); }, [key]);
  return { preview: preview && { ...preview, key }, error };
}

function ExtraRows({ extras, setExtras }) {
  const set = (i, part) => setExtras(extras.map((x, j) => (j === i ? { ...x, ...part } : x)));
  return html`<fieldset><legend>追加作業（あれば）</legend>
    ${extras.map((x, i) => html`<div class="row2">
      <div class="field"><label for=${'f-extra-' + i}>種類</label>
        <select id=${'f-extra-' + i} value=${x.code} onChange=${(e) => set(i, { code: e.target.value })}>
          <option value="">なし</option>${Object.entries(ja.extras).map(([k, t]) => html`<option value=${k}>${t}</option>`)}</select></div>
      ${ja.extrasWithAmount.includes(x.code)
        ? html`<div class="field"><label for=${'f-extra-amount-' + i}>金額（円）</label><input id=${'f-extra-amount-' + i} inputmode="numeric" value=${x.amount} onInput=${(e) => set(i, { amount: e.target.value })} /></div>`
        : html`<div class="field"><label for=${'f-extra-qty-' + i}>数量</label><input id=${'f-extra-qty-' + i} inputmode="numeric" value=${x.quantity} onInput=${(e) => set(i, { quantity: e.target.value })} /></div>`}
    </div>`)}
    <button type="button" class="quiet" onClick=${() => setExtras([...extras, { code: '', quantity: '1', amount: '' }])}>追加作業を足す</button>
  </fieldset>`;
}

export function CompletionForm({ job, outbox, position, onDone, onCancel }) {
  const tow = job.service === 'tow';
  const [f, setF] = useState({ outcome: tow ? 'towed_to_shop' : 'fixed_on_site', towKm: job.estimated_tow_km ? String(job.estimated_tow_km) : '',
    storageHours: '0', fuel: job.service === 'fuel_delivery' ? '10' : '', extras: [] });
  const [signature, setSignature] = useState(null);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const body = completionBody(job, f);
  const { preview, error } = usePreview(job, body);
  const offline = error instanceof ApiError && error.status === 0;
  const set = (k) => (e) => setF({ ...f, [k]: e.target.value });
  const submit = async (e) => {
    e.preventDefault();
    const items = [];
    if (!signature) items.push({ field: 'signature', text: 'お客様のご署名をいただいてください', href: '#f-signature' });
    else if (signature.length * 0.75 > MAX_SIGNATURE_BYTES) items.push({ field: 'signature', text: ja.errors.signature_too_large, href: '#f-signature' });
    if (!preview && !offline) items.push({ field: 'outcome', text: '料金の計算が終わるまでお待ちください', href: '#f-outcome' });
    setErrors(items);
    if (items.length) return;
    setBusy(true);
    const full = { ...body, signature };
    if (position) full.position = { lat: position.lat, lon: position.lon };
    try {
      const answer = await outbox.add({ path: `/v1/jobs/${encodeURIComponent(job.job_id)}/complete`, body: full, label: '完了報告', jobId: job.job_id });
      onDone(answer);
    } catch (err) {
      setErrors(errorSummary(err, ja, ja.fieldLabels));
    } finally { setBusy(false); }
  };
  const outcomes = tow ? ['towed_to_shop', 'towed_to_storage'] : ['fixed_on_site', 'not_fixed'];
  return html`<form class="complete" onSubmit=${submit} novalidate aria-labelledby=${'complete-' + job.job_id}>
    <h3 id=${'complete-' + job.job_id}>完了報告</h3>
    <${ErrorSummary} items=${errors} />
    ${error && !offline && html`<${ErrorSummary} items=${errorSummary(error, ja, ja.fieldLabels)} title="料金を計算できません" autoFocus=${false} />`}
    <fieldset id="f-outcome"><legend>作業結果</legend>
      ${outcomes.map((o) => html`<label class="option"><input type="radio" name="outcome" value=${o} checked=${f.outcome === o} onChange=${set('outcome')} /> ${ja.outcomes[o]}</label>`)}
    </fieldset>
    ${tow && html`<div class="row2">
      <div class="field"><label for="f-tow_distance_km">搬送距離（km）</label><input id="f-tow_distance_km" inputmode="decimal" value=${f.towKm} onInput=${set('towKm')} /></div>
      ${f.outcome === 'towed_to_storage' && html`<div class="field"><label for="f-storage_hours">保管時間（時間）</label><input id="f-storage_hours" inputmode="decimal" value=${f.storageHours} onInput=${set('storageHours')} /></div>`}
    </div>`}
    ${job.service === 'fuel_delivery' && html`<div class="field"><label for="f-fuel_litres">給油量（L）</label><input id="f-fuel_litres" inputmode="numeric" value=${f.fuel} onInput=${set('fuel')} /></div>`}
    <${ExtraRows} extras=${f.extras} setExtras=${(extras) => setF({ ...f, extras })} />
    ${preview ? html`<${ChargesSplit} charges=${preview} />`
      : html`<p class="note" role="status">${offline ? '電波が戻ると料金を計算します。完了報告は保存して、電波が戻ったら送信します。' : '料金を計算しています…'}</p>`}
    <${SignaturePad} onChange=${setSignature} />
    <${FieldError} items=${errors} field="signature" />
    <button type="submit" class="big go" disabled=${busy} data-testid="complete">この内容で完了</button>
    <button type="button" class="big quiet" onClick=${onCancel}>戻る</button>
  </form>`;
}
