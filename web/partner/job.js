// The job the crew is on: what it needs before it sets off (the car, the holder, the occupants, the
// caller with a tel: link, the breakdown with a link that opens the phone's maps app), the status
// steps as big buttons — only the allowed next ones —, the truck's position shared while en route,
// and the completion (complete.js).
import { html, useState, useEffect, useRef } from '../shared/ui.js';
import { post } from '../shared/api.js';
import { km, time } from '../shared/format.js';
import { CompletionForm, ChargesSplit } from './complete.js';
import { vehicleLine } from './offers.js';
import * as ja from './ja.js';

const POSITION_MIN_GAP_MS = 5000;
const POSITION_EVERY_MS = 15000;
const POSITION_MOVED_M = 150;

// The steps of a job, in order, and the next ones allowed (dispatch::can_transition): a tow goes
// on to 搬送中 and is completed from 入庫; on-site work and a wheel-drop recovery end at the scene.
export function stepsOf(service) {
  return service === 'tow' ? ['accepted', 'en_route', 'on_scene', 'towing', 'delivered', 'completed'] : ['accepted', 'en_route', 'on_scene', 'completed'];
}
export function nextSteps(status, service) {
  const steps = stepsOf(service);
  const i = steps.indexOf(status);
  return i >= 0 && i + 1 < steps.length ? [steps[i + 1]] : [];
}

// The status each job will have once the outbox has sent what waits for it.
export function pendingStatuses(entries) {
  const out = {};
  for (const e of entries) {
    if (!e.jobId) continue;
    out[e.jobId] = e.path.endsWith('/complete') ? 'completed' : e.body.status;
  }
  return out;
}

function metres(a, b) {
  const r = Math.PI / 180;
  const s = Math.sin((b.lat - a.lat) * r / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin((b.lon - a.lon) * r / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(s)));
}

// While `sharing` (a job en route), the phone's position goes to POST /v1/partner/position: at
// most every POSITION_MIN_GAP_MS, and only after POSITION_EVERY_MS or POSITION_MOVED_M. A lost
// report is not retried (the next one is newer). Returns the last known position.
export function useSharedPosition(sharing) {
  const [pos, setPos] = useState(null);
  const last = useRef({ at: 0, p: null });
  useEffect(() => {
    if (!navigator.geolocation) return undefined;
    const seen = (g) => {
      const p = { lat: g.coords.latitude, lon: g.coords.longitude, accuracy_m: g.coords.accuracy };
      setPos(p);
      if (!sharing) return;
      const now = Date.now();
      const moved = last.current.p ? metres(last.current.p, p) : Infinity;
      if (now - last.current.at < POSITION_MIN_GAP_MS) return;
      if (now - last.current.at < POSITION_EVERY_MS && moved < POSITION_MOVED_M) return;
      last.current = { at: now, p };
      window.__positionsSent = (window.__positionsSent || 0) + 1;
      post('/v1/partner/position', { lat: p.lat, lon: p.lon }).catch(() => {});
    };
    const id = navigator.geolocation.watchPosition(seen, () => {}, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
    return () => navigator.geolocation.clearWatch(id);
  }, [sharing]);
  return pos;
}

// geo: opens the phone's own maps app (Android and most others); iPhones get maps:. Nothing is
// loaded into this page from another host.
function MapsLink({ p, label }) {
  const ll = `${p.lat.toFixed(6)},${p.lon.toFixed(6)}`;
  return html`<a class="maps" href=${`geo:${ll}?q=${ll}(${encodeURIComponent(label)})`} data-testid="maps-link">${label}を地図アプリで開く</a>
    <small> / <a href=${`maps://?q=${encodeURIComponent(label)}&ll=${ll}`}>iPhone</a> ${ll}</small>`;
}

function Steps({ job, status }) {
  const steps = stepsOf(job.service);
  const at = steps.indexOf(status);
  return html`<ol class="steps" aria-label="進み具合">${steps.map((s, i) => html`
    <li class=${i < at ? 'done' : i === at ? 'now' : ''} aria-current=${i === at ? 'step' : undefined}>${ja.stepNames[s]}</li>`)}</ol>`;
}

function CrewFacts({ job }) {
  const v = job.vehicle;
  return html`<dl class="facts" data-testid="crew-facts">
    <dt>車両</dt><dd>${vehicleLine(v)}</dd>
    ${v && html`<dt>寸法</dt><dd>全長 ${(v.length_mm / 1000).toFixed(2)} m・全幅 ${(v.width_mm / 1000).toFixed(2)} m${v.height_mm ? `・全高 ${(v.height_mm / 1000).toFixed(2)} m` : ''}・車両総重量 ${(v.gross_weight_kg / 1000).toFixed(2)} t</dd>`}
    <dt>契約者</dt><dd>${job.holder_name || '—'}</dd>
    <dt>乗車人数</dt><dd>${job.occupants ?? '—'}名</dd>
    <dt>通報者</dt><dd>${job.caller_name || ''} ${job.caller_phone ? html`<a href=${'tel:' + job.caller_phone.replace(/[^0-9+]/g, '')} data-testid="tel-link">${job.caller_phone}</a>` : '—'}</dd>
    <dt>症状</dt><dd>${ja.problems[job.problem] || job.problem || '—'}</dd>
    <dt>故障場所</dt><dd><${MapsLink} p=${job.location} label="故障場所" /></dd>
    ${job.destination && html`<dt>搬送先</dt><dd>${job.destination.name}${job.estimated_tow_km ? `（約 ${km(job.estimated_tow_km)}）` : ''}<br /><${MapsLink} p=${job.destination} label="搬送先" /></dd>`}
  </dl>`;
}

export function JobView({ job, pending, outbox, position, onChanged, onCompleted }) {
  const [completing, setCompleting] = useState(false);
  const status = pending || job.status;
  const queued = !!pending && pending !== job.status;
  const step = async (next) => {
    if (next === 'completed') { setCompleting(true); return; }
    const body = { status: next };
    if (position) body.position = { lat: position.lat, lon: position.lon };
    await outbox.add({ path: `/v1/jobs/${encodeURIComponent(job.job_id)}/status`, body, label: ja.stepNames[next], jobId: job.job_id });
    onChanged();
  };
  return html`
    <section class="panel job" aria-labelledby=${'job-' + job.job_id} data-testid="job">
      <h2 id=${'job-' + job.job_id}>${ja.services[job.service] || job.service}
        <span class="pill pill-ok" data-testid="job-status">${ja.jobStatus[status] || status}${queued ? '（未送信）' : ''}</span></h2>
      <${Steps} job=${job} status=${status} />
      ${job.eta_minutes && ['accepted', 'en_route'].includes(status) && html`<p>到着見込み ${job.eta_minutes}分${status === 'en_route' ? '・位置を共有中' : ''}</p>`}
      <${CrewFacts} job=${job} />
      ${!completing && nextSteps(status, job.service).map((s) => html`
        <button type="button" class="big go" data-step=${s} onClick=${() => step(s)}>${ja.stepButton[s]}</button>`)}
      ${completing && status !== 'completed' && html`<${CompletionForm} job=${job} outbox=${outbox} position=${position}
          onDone=${(answer) => { setCompleting(false); onCompleted(answer || { job_id: job.job_id, service: job.service }); onChanged(); }} onCancel=${() => setCompleting(false)} />`}
      ${status === 'completed' && job.charges && html`<${ChargesSplit} charges=${job.charges} title="完了しました" />`}
      <p class="hint">受付 ${time(job.created_at)}</p>
    </section>`;
}
