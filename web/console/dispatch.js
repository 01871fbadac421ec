// 手配: the estimate the agent reads to the caller before dispatch (無料/有料 and why, 見込み搬送距離,
// お客様ご負担見込み, the five nearest capable partners with their ETA, the nearest 指定工場), then the
// incident's timeline, live: offer and its countdown, lapse, next partner, acceptance with ETA,
// every status, completion with the charges.
import { html, useState, useEffect, useRef, useMemo, debounce, useNow } from '../shared/ui.js';
import { get, post, errorSummary, ApiError } from '../shared/api.js';
import { yen, km, time, countdown } from '../shared/format.js';
import { ErrorSummary, FieldError, ReasonLine } from './shell.js';
import { TrackingLink } from './links.js';
import * as ja from './ja.js';

const ESTIMATE_DELAY_MS = 150;
const POLL_WHEN_OFFLINE_MS = 5000;

// Partner names and positions, fetched once per page.
const partnerCache = new Map();
export function partnerInfo(id) {
  if (!id) return Promise.resolve(null);
  if (!partnerCache.has(id)) {
    partnerCache.set(id, get('/v1/partners/' + encodeURIComponent(id)).catch(() => { partnerCache.delete(id); return null; }));
  }
  return partnerCache.get(id);
}
const shopCache = new Map();
function shopInfo(id) {
  if (!shopCache.has(id)) shopCache.set(id, get('/v1/shops/' + encodeURIComponent(id)).catch(() => null));
  return shopCache.get(id);
}

export function usePartnerNames(ids) {
  const [names, setNames] = useState({});
  const key = [...new Set(ids.filter(Boolean))].sort().join();
  useEffect(() => {
    let alive = true;
    Promise.all(key ? key.split(',').map((id) => partnerInfo(id).then((p) => [id, p])) : []).then((pairs) => {
      if (!alive) return;
      const out = {};
      for (const [id, p] of pairs) if (p) out[id] = p;
      setNames(out);
    });
    return () => { alive = false; };
  }, [key]);
  return names;
}

function requestBody(s) {
  const b = { service: s.service };
  if (s.service === 'tow') {
    if (s.dest === 'storage') b.destination = { storage: true };
    else if (s.dest && s.dest.startsWith('shop:')) b.destination = { shop_id: s.dest.slice(5) };
    else if (s.destination) b.destination = { lat: s.destination.lat, lon: s.destination.lon, name: s.destination.name || '搬送先' };
  }
  if (s.service === 'lockout') { b.key_lost = s.keyLost; b.trunk_lockout = s.trunk; }
  if (s.service === 'wheel_drop_recovery') b.wheel_drop = { wheels: Number(s.wheels), drop_m: Number(s.dropM) };
  return b;
}

function Estimate({ est, names }) {
  if (!est) return null;
  return html`
    <section class="estimate" aria-label="見積り" data-testid="estimate">
      <p class=${'fee ' + (est.free ? 'fee-free' : 'fee-paid')}>${est.free ? '無料' : 'お客様ご負担（有料）'}</p>
      ${!est.free && html`<ul class="reasons">${(est.paid_reasons || []).map((r) => html`<${ReasonLine} entry=${ja.paidReasons[r.code]} serverClause=${r.clause} fallback=${r.message} />`)}</ul>`}
      <dl class="facts two">
        <div><dt>見込み搬送距離</dt><dd>${est.estimated_tow_km === null || est.estimated_tow_km === undefined ? '—（搬送なし）' : km(est.estimated_tow_km)}</dd></div>
        <div><dt>お客様ご負担見込み</dt><dd data-testid="customer-charge"><strong>${yen(est.estimated_customer_charge_yen)}</strong></dd></div>
      </dl>
      <table class="candidates">
        <caption>近い協力会社（到着見込み順）</caption>
        <thead><tr><th scope="col">#</th><th scope="col">協力会社</th><th scope="col">距離</th><th scope="col">到着見込み</th></tr></thead>
        <tbody>${(est.candidates || []).map((c, i) => html`<tr key=${c.partner_id}><td>${i + 1}</td>
          <td>${names[c.partner_id] ? names[c.partner_id].name : '…'}</td><td>${km(c.partner_distance_km)}</td><td>${c.eta_minutes}分</td></tr>`)}
          ${!(est.candidates || []).length && html`<tr><td colspan="4">半径内に対応できる協力会社がありません</td></tr>`}</tbody>
      </table>
    </section>`;
}

function Offer({ job, names }) {
  const now = useNow(250);
  const left = job.offer_expires_at ? new Date(job.offer_expires_at).getTime() - now : 0;
  const p = names[job.partner_id];
  return html`<p class="offer">打診中: <strong>${p ? p.name : '協力会社'}</strong>
    <span class="countdown" data-testid="countdown" aria-label=${'回答期限まで ' + countdown(left)}>残り ${countdown(left)}</span></p>`;
}

// The truck has set out (README: a customer's cancellation is charged from en_route on).
const SET_OUT = ['en_route', 'on_scene'];
const LIVE_JOB = ['offered', 'unassigned', 'accepted', 'en_route', 'on_scene', 'towing', 'delivered'];

// 第2条3(7): after the truck set off, a cancellation the customer asks for is charged; one the
// operator or the partner makes is not. The agent says who asked.
function CancelJob({ job, onCancelled }) {
  const [by, setBy] = useState('customer');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState([]);
  // The server decides (the statement shows it); this says it before the agent presses.
  const charged = by === 'customer' && SET_OUT.includes(job.status);
  const submit = async (e) => {
    e.preventDefault();
    try {
      await post(`/v1/jobs/${encodeURIComponent(job.job_id)}/cancel`, { reason: reason || 'お客様のご依頼', requested_by: by });
      onCancelled();
    } catch (err) { setErrors(errorSummary(err, ja, ja.fieldLabels)); }
  };
  return html`<details class="cancel-job"><summary>この手配をキャンセルする</summary>
    <${ErrorSummary} items=${errors} />
    <form onSubmit=${submit} class="row">
      <div class="field"><label for="f-requested_by">依頼者</label>
        <select id="f-requested_by" value=${by} onChange=${(e) => setBy(e.target.value)}>
          ${Object.entries(ja.cancellation.requestedBy).map(([k, t]) => html`<option value=${k}>${t}</option>`)}</select></div>
      <div class="field grow"><label for="f-cancel-reason">理由</label><input id="f-cancel-reason" value=${reason} onInput=${(e) => setReason(e.target.value)} /></div>
      <div class="field"><button type="submit" class="danger">キャンセルする</button></div>
    </form>
    <p class=${'cancel-charge ' + (charged ? 'warn' : '')} role="status" data-testid="cancel-charge">${charged ? ja.cancellation.charged : ja.cancellation.free(by)}
      <small class="clause">— ${ja.cancellation.clause}</small></p>
  </details>`;
}

export function JobStatus({ job, names, onRedispatch, onChanged }) {
  const p = names[job.partner_id];
  return html`
    <div class=${'job-status status-' + job.status} data-testid="job-status">
      <p class="status-line"><span class=${'badge badge-' + job.status}>${ja.jobStatus[job.status] || job.status}</span>
        ${ja.services[job.service] || job.service}・${job.free ? '無料' : '有料'}</p>
      ${job.status === 'offered' && html`<${Offer} job=${job} names=${names} />`}
      ${job.status === 'unassigned' && html`<p class="unassigned">${ja.unassignedReasons[job.unassigned_reason] || job.unassigned_reason}
        ${onRedispatch && html` <button type="button" class="danger" onClick=${() => onRedispatch(job)}>再手配</button>`}</p>`}
      ${['accepted', 'en_route', 'on_scene', 'towing', 'delivered'].includes(job.status) && html`
        <p>協力会社: <strong>${p ? p.name : '—'}</strong>${p && p.phone ? `（${p.phone}）` : ''}${job.eta_minutes ? html` 到着見込み <strong data-testid="eta">${job.eta_minutes}分</strong>` : ''}</p>`}
      ${job.status === 'cancelled' && job.cancelled_by && html`<p data-testid="cancelled-by">キャンセルの依頼者: ${ja.cancellation.requestedBy[job.cancelled_by] || job.cancelled_by}</p>`}
      ${job.charges && html`<${Charges} charges=${job.charges} />`}
      ${job.has_signature && html`<figure class="signature" data-testid="signature">
        <img src=${`/v1/jobs/${encodeURIComponent(job.job_id)}/signature`} alt="お客様の署名（作業完了の確認）" width="240" height="120" />
        <figcaption>お客様の署名</figcaption></figure>`}
      ${onChanged && LIVE_JOB.includes(job.status) && html`<${CancelJob} job=${job} onCancelled=${onChanged} />`}
    </div>`;
}

function Charges({ charges }) {
  return html`<table class="charges"><caption>料金</caption>
    <thead><tr><th scope="col">項目</th><th scope="col">数量</th><th scope="col">金額</th><th scope="col">負担</th></tr></thead>
    <tbody>${(charges.lines || []).map((l) => html`<tr><td>${ja.services[l.code] || ja.chargeLines[l.code] || l.code}${l.clause ? html` <small class="clause">${l.clause}</small>` : ''}</td><td>${l.quantity}</td><td>${yen(l.amount_yen)}</td><td>${l.payer === 'customer' ? 'お客様' : '保証'}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row" colspan="2">保証負担 / お客様負担</th><td colspan="2">${yen(charges.covered_yen)} / <strong>${yen(charges.customer_yen)}</strong></td></tr></tfoot>
  </table>`;
}

// Who did it, from the event's actor ("agent:<token id>", "user:<login>", "partner:<id>", "system"):
// the role in Japanese, and a person's login when the actor names one.
export function actorText(actor, names = {}) {
  if (!actor) return '';
  const [role, who = ''] = String(actor).split(':');
  const label = { agent: '受付', admin: '管理者', partner: '協力会社', system: 'システム', customer: 'お客様', staff: '受付',
    user: '受付', reviewer: '審査', dispatcher: 'システム', sweeper: 'システム' }[role] || role;
  if (role === 'partner' && names[who]) return names[who].name;
  const person = who && !/^[0-9a-f-]{16,}$/i.test(who) && !who.startsWith('bootstrap') ? who : '';
  return person ? `${label} ${person}` : label;
}

export function Timeline({ incidentId, eventTick, live }) {
  const [incident, setIncident] = useState(null);
  const [error, setError] = useState(null);
  const load = useMemo(() => async () => {
    try { setIncident(await get('/v1/incidents/' + encodeURIComponent(incidentId))); setError(null); } catch (e) { setError(e); }
  }, [incidentId]);
  useEffect(() => { load(); }, [load]);
  useEffect(() => {
    if (!incident || !eventTick.n) return;
    const jobIds = (incident.jobs || []).map((j) => j.job_id);
    const { incident_id, job_id } = eventTick.ids;
    if (eventTick.resync || incident_id === incidentId || (job_id && jobIds.includes(job_id)) || (!incident_id && !job_id)) load();
  }, [eventTick.n]);
  const offline = live !== 'open';
  useEffect(() => {
    if (!offline) return undefined;
    const t = setInterval(load, POLL_WHEN_OFFLINE_MS);
    return () => clearInterval(t);
  }, [offline, load]);
  const jobs = incident ? incident.jobs || [] : [];
  const events = incident ? incident.events || [] : [];
  const names = usePartnerNames([...jobs.map((j) => j.partner_id), ...events.map((e) => e.data && e.data.partner_id)]);
  const redispatch = async (job) => {
    try { await post(`/v1/jobs/${encodeURIComponent(job.job_id)}/dispatch`, {}); load(); } catch (e) { setError(e); }
  };
  if (!incident) return html`<p class="hint">${error ? ja.errors[error.code] || ja.errors.unexpected : '読み込み中…'}</p>`;
  const current = jobs[jobs.length - 1];
  return html`
    <section class="timeline" aria-labelledby="timeline-title" data-testid="timeline">
      <h2 id="timeline-title">経過 <small>受付番号 ${incident.incident_id.slice(0, 8)}</small></h2>
      ${error && html`<${ErrorSummary} items=${errorSummary(error, ja)} />`}
      ${current && html`<${JobStatus} job=${current} names=${names} onRedispatch=${redispatch} onChanged=${load} />`}
      ${current && !['completed', 'cancelled'].includes(current.status) && html`<${TrackingLink} incidentId=${incident.incident_id} />`}
      <ol class="events" aria-live="polite">
        ${events.map((e) => {
          const data = e.data || {};
          const f = ja.eventText[e.type];
          const name = data.partner_id && names[data.partner_id] ? names[data.partner_id].name : null;
          return html`<li key=${e.id || e.at + e.type} class=${'ev ev-' + e.type}><time datetime=${e.at}>${time(e.at)}</time>
            <span class="who">${actorText(e.actor, names)}</span><span class="what">${f ? f(data, name) : e.type}</span></li>`;
        })}
      </ol>
    </section>`;
}

export function DispatchPanel({ recorded, eventTick, live, destination, setDestination, mapPick, setMapPick, setMarkers }) {
  // A tow starts as 一時保管, always a valid free destination, so the first estimate answers with
  // the nearest designated shops; the nearest one is then chosen (once).
  const [s, setS] = useState({ service: ja.serviceForProblem[recorded.problem] || 'light_work', dest: 'storage', keyLost: false, trunk: false, wheels: 1, dropM: 0.5 });
  const [est, setEst] = useState(null);
  const [errors, setErrors] = useState([]);
  const [estErrors, setEstErrors] = useState([]);
  const [job, setJob] = useState(null);
  const [busy, setBusy] = useState(false);
  const [shops, setShops] = useState([]);
  const first = useRef(null);
  const [dest, setDestText] = useState({ name: '', lat: '', lon: '' });
  // The typed destination and a click on the map are one value: typing parses, a click fills in.
  const setDest = (part) => {
    const next = { ...dest, ...part };
    setDestText(next);
    const lat = Number(next.lat), lon = Number(next.lon);
    setDestination(next.lat !== '' && next.lon !== '' && Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon, name: next.name || '搬送先' } : null);
  };
  // A click on the map fills the fields in; typing never rewrites what is being typed ("35." stays).
  useEffect(() => {
    if (destination && destination.from === 'map') {
      setDestText({ name: dest.name || destination.name || '', lat: String(destination.lat), lon: String(destination.lon) });
    }
  }, [destination]);
  // The map shows the agent's own destination only while it is the one chosen.
  useEffect(() => { if (s.dest === 'custom') setDest({}); else setDestination(null); }, [s.dest]);
  const state = { ...s, destination: destination && { ...destination, name: dest.name || destination.name } };
  const id = recorded.incident_id;

  useEffect(() => { if (first.current) first.current.focus(); }, []);
  useEffect(() => { if (s.service === 'tow' && !destination && s.dest === 'custom') setMapPick('destination'); }, [s.service]);
  // Once the rules' designated shops arrive, the nearest one is the natural choice.
  // Once only: a later estimate never takes back the agent's own choice of 場所を指定.
  const autoPicked = useRef(false);
  useEffect(() => {
    if (autoPicked.current || !shops.length) return;
    autoPicked.current = true;
    // A shop closed at night without night intake cannot take the car: then 一時保管 stays.
    const open = shops.find((sh) => sh.takes_cars_now !== false);
    if (open) setS((cur) => (cur.dest === 'storage' ? { ...cur, dest: 'shop:' + open.shop_id } : cur));
  }, [shops]);

  const estimate = useMemo(() => debounce(async (st) => {
    try {
      const r = await post(`/v1/incidents/${encodeURIComponent(id)}/jobs/estimate`, requestBody(st));
      setEst(r);
      setEstErrors([]);
      if (r.nearest_shops) setShops(r.nearest_shops);
    } catch (e) {
      setEst(null);
      const needsDest = e instanceof ApiError && e.field && e.field.startsWith('destination');
      setEstErrors(needsDest ? [{ field: 'destination', text: '搬送先を選ぶか、地図をクリックして指定してください', href: '#f-destination' }] : errorSummary(e, ja, ja.fieldLabels));
    }
  }, ESTIMATE_DELAY_MS), [id]);
  useEffect(() => { if (!job && recorded.status !== 'refused') estimate(state); }, [JSON.stringify(state), job]);

  const names = usePartnerNames((est && est.candidates ? est.candidates.map((c) => c.partner_id) : []).concat(job ? [job.partner_id] : []));
  useEffect(() => {
    let alive = true;
    const cands = est && !job ? est.candidates || [] : [];
    Promise.all(shops.map((sh) => shopInfo(sh.shop_id))).then((full) => {
      if (!alive) return;
      const m = cands.map((c, i) => {
        const p = names[c.partner_id];
        const pos = p && (p.position || p.base);
        return pos && { id: 'p' + c.partner_id, kind: 'partner', lat: pos.lat, lon: pos.lon, label: `${i + 1} ${c.eta_minutes}分`, title: `${p.name} 到着見込み${c.eta_minutes}分` };
      }).filter(Boolean);
      full.forEach((sh, i) => {
        const pos = sh && (sh.location || sh.position || sh);
        if (pos && Number.isFinite(pos.lat)) m.push({ id: 's' + shops[i].shop_id, kind: 'shop', lat: pos.lat, lon: pos.lon, title: '指定工場 ' + shops[i].name, label: shops[i].name });
      });
      if (job && names[job.partner_id]) { const p = names[job.partner_id]; const pos = p.position || p.base; m.push({ id: 'chosen', kind: 'partner_chosen', lat: pos.lat, lon: pos.lon, label: p.name }); }
      setMarkers(m);
    });
    return () => { alive = false; };
  }, [est, names, shops, job]);

  if (recorded.status === 'refused') {
    return html`<section class="done" role="status"><h2>お断りとして記録しました</h2><p>手配は行いません。</p></section>`;
  }
  const dispatchNow = async (e) => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await post(`/v1/incidents/${encodeURIComponent(id)}/jobs`, requestBody(state));
      setJob(r);
      setErrors([]);
      requestAnimationFrame(() => { const t = document.getElementById('timeline-title'); if (t) t.scrollIntoView({ block: 'start' }); });
    } catch (err) {
      setErrors(errorSummary(err, ja, ja.fieldLabels));
    } finally { setBusy(false); }
  };
  const set = (k) => (e) => setS({ ...s, [k]: e.target.type === 'checkbox' ? e.target.checked : e.target.value });
  return html`
    <section class="dispatch" aria-labelledby="dispatch-title">
      <p class="recorded" role="status">受付を記録しました　受付番号 ${recorded.incident_id.slice(0, 8)}${recorded.status === 'not_covered' ? '（対象外・有料手配のみ）' : ''}</p>
      <h2 id="dispatch-title">手配</h2>
      <${ErrorSummary} items=${errors} />
      <${ErrorSummary} items=${estErrors} autoFocus=${false} title="見積りの前に" />
      ${!job && html`<form onSubmit=${dispatchNow} novalidate>
        <div class="row">
          <div class="field grow"><label for="f-service">作業</label>
            <select id="f-service" ref=${first} value=${s.service} onChange=${set('service')}>
              ${Object.entries(ja.services).map(([k, t]) => html`<option value=${k}>${t}</option>`)}</select></div>
          ${s.service === 'lockout' && html`<label class="check"><input type="checkbox" checked=${s.keyLost} onChange=${set('keyLost')} /> キー紛失</label>
            <label class="check"><input type="checkbox" checked=${s.trunk} onChange=${set('trunk')} /> トランク</label>`}
          ${s.service === 'wheel_drop_recovery' && html`<div class="field narrow"><label for="f-wheels">落輪数</label><input id="f-wheels" type="number" min="1" max="4" value=${s.wheels} onInput=${set('wheels')} /></div>
            <div class="field narrow"><label for="f-drop">落差 (m)</label><input id="f-drop" inputmode="decimal" value=${s.dropM} onInput=${set('dropM')} /></div>`}
        </div>
        ${s.service === 'tow' && html`<fieldset id="f-destination" class="destination"><legend>搬送先</legend>
          ${shops.map((sh) => html`<label class="check"><input type="radio" name="dest" value=${'shop:' + sh.shop_id} checked=${s.dest === 'shop:' + sh.shop_id} onChange=${set('dest')} />
            ${sh.name.startsWith('指定工場') ? '' : '指定工場 '}${sh.name}（直線 ${km(sh.distance_km)}）${sh.open_now === false
              ? html` <small class=${sh.takes_cars_now ? '' : 'warn'}>営業時間外${sh.takes_cars_now ? '・夜間受入可' : ''}</small>` : html` <small>営業中</small>`}</label>`)}
          <label class="check"><input type="radio" name="dest" value="storage" checked=${s.dest === 'storage'} onChange=${set('dest')} /> 一時保管 <small>（指定工場が受け入れられないとき・無料範囲は同じ）</small></label>
          <label class="check"><input type="radio" name="dest" value="custom" checked=${s.dest === 'custom'} onChange=${set('dest')} /> 場所を指定 <small class="warn">（指定工場以外への搬送は有料）</small></label>
          ${s.dest === 'custom' && html`<div class="row">
            <div class="field grow"><label for="f-destination-name">搬送先名</label>
              <input id="f-destination-name" autocomplete="off" value=${dest.name} onInput=${(e) => setDest({ name: e.target.value })} /></div>
            <div class="field"><label for="f-destination-lat">緯度</label>
              <input id="f-destination-lat" inputmode="decimal" autocomplete="off" value=${dest.lat} onInput=${(e) => setDest({ lat: e.target.value })} /></div>
            <div class="field"><label for="f-destination-lon">経度</label>
              <input id="f-destination-lon" inputmode="decimal" autocomplete="off" value=${dest.lon} onInput=${(e) => setDest({ lon: e.target.value })} /></div>
          </div>
          <p class="hint"><label class="check"><input type="checkbox" checked=${mapPick === 'destination'} onChange=${(e) => setMapPick(e.target.checked ? 'destination' : 'breakdown')} /> 地図のクリックで搬送先を指定する</label></p>`}
          <${FieldError} items=${errors.concat(estErrors)} field="destination" />
        </fieldset>`}
        <${Estimate} est=${est} names=${names} />
        <div class="actions"><button type="submit" class="primary" disabled=${busy || !est}>手配する</button></div>
      </form>`}
      ${job && html`<${Timeline} incidentId=${id} eventTick=${eventTick} live=${live} />`}
    </section>`;
}
