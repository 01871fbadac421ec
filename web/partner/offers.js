// 新しい依頼: an offer as the crew sees it — the countdown to its deadline, the work, the place and
// how far it is, the car — with the ETA as one tap (承諾 15分 / 30分 / 45分 / 60分) and 辞退 with a
// reason. An offer whose countdown runs out leaves the screen with a note.
import { html, useState, useEffect, useNow } from '../shared/ui.js';
import { post, errorSummary } from '../shared/api.js';
import { countdown, km, areaName, distanceKm } from '../shared/format.js';
import { ErrorSummary } from './parts.js';
import * as ja from './ja.js';

const ETA_CHOICES = [15, 30, 45, 60];

export function offerTitle(job) {
  return `${ja.services[job.service] || job.service}・${areaName(job.location)}`;
}

export function vehicleLine(v) {
  if (!v) return '—';
  return `${v.plate} ${ja.vehicleKinds[v.kind] || v.kind} ${(v.length_mm / 1000).toFixed(2)}×${(v.width_mm / 1000).toFixed(2)} m ${(v.gross_weight_kg / 1000).toFixed(2)} t`;
}

// The ETA the server estimated for this partner, when the estimate lists it.
function suggestedEta(job) {
  const c = job.estimate && (job.estimate.candidates || []).find((x) => x.partner_id === job.partner_id);
  return c ? c.eta_minutes : null;
}

export function OfferCard({ job, partner, position, onAnswered, onExpired }) {
  const now = useNow(250);
  const [declining, setDeclining] = useState(false);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const left = job.offer_expires_at ? new Date(job.offer_expires_at).getTime() - now : 0;
  useEffect(() => { if (job.offer_expires_at && left <= 0) onExpired(job); }, [left <= 0]);
  const from = position || (partner && partner.position);
  const distance = from ? distanceKm({ lat: from.lat, lon: from.lon }, job.location) : null;
  const suggested = suggestedEta(job);
  const answer = async (path, body) => {
    setBusy(true);
    try {
      await post(`/v1/jobs/${encodeURIComponent(job.job_id)}/${path}`, body);
      onAnswered(job.job_id);
    } catch (e) {
      setErrors(errorSummary(e, ja, ja.fieldLabels));
      setBusy(false);
    }
  };
  return html`
    <section class="panel offer" aria-labelledby=${'offer-' + job.job_id} data-testid="offer">
      <h2 id=${'offer-' + job.job_id}>新しい依頼 <span class=${'countdown' + (left < 20000 ? ' late' : '')} data-testid="offer-countdown"
        role="timer" aria-label=${'回答期限まで ' + countdown(left)}>残り ${countdown(left)}</span></h2>
      <${ErrorSummary} items=${errors} />
      <dl class="facts">
        <dt>作業</dt><dd>${ja.services[job.service] || job.service}${job.free ? '' : '（有料）'}</dd>
        <dt>場所</dt><dd>${areaName(job.location)}${distance !== null ? html` <span data-testid="offer-distance">現場まで ${km(distance)}</span>` : ''}</dd>
        <dt>症状</dt><dd>${ja.problems[job.problem] || job.problem || '—'}</dd>
        <dt>車両</dt><dd data-testid="offer-vehicle">${vehicleLine(job.vehicle)}</dd>
        ${job.service === 'tow' && job.destination && html`<dt>搬送先</dt><dd>${job.destination.name}${job.estimated_tow_km ? `（約 ${km(job.estimated_tow_km)}）` : ''}</dd>`}
      </dl>
      ${!declining && html`
        <p class="hint">到着見込みを選んで承諾${suggested ? `（目安 ${suggested}分）` : ''}</p>
        <div class="choices" role="group" aria-label="承諾（到着見込み）">
          ${ETA_CHOICES.map((m) => html`<button type="button" class="go" disabled=${busy} data-eta=${m}
              onClick=${() => answer('accept', { eta_minutes: m })}>承諾 ${m}分</button>`)}
        </div>
        <button type="button" class="big quiet" disabled=${busy} onClick=${() => setDeclining(true)}>辞退</button>`}
      ${declining && html`
        <fieldset><legend>辞退の理由</legend>
          ${ja.declineReasons.map((r) => html`<button type="button" class="big stop" disabled=${busy} onClick=${() => answer('decline', { reason: r })}>${r}</button>`)}
        </fieldset>
        <button type="button" class="big quiet" onClick=${() => setDeclining(false)}>戻る</button>`}
    </section>`;
}
