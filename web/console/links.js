// The links the desk sends to a caller's phone (issue 14): the location link on the intake (the
// position comes back live and fills in where the car is), and the tracking link once a job is
// dispatched. Each is shown as its URL and a QR code drawn here, for a caller who can read it
// from another screen or when no SMS number is known.
import { html, useState, useEffect } from '../shared/ui.js';
import { get, post, errorSummary } from '../shared/api.js';
import { QrCode } from '../shared/qr.js';
import { time } from '../shared/format.js';
import { ErrorSummary } from './shell.js';
import * as ja from './ja.js';

const POLL_MS = 5000;

// A number the server would take as an SMS destination (it wants at least 7 digits).
function smsNumber(phone) {
  const digits = String(phone || '').normalize('NFKC').replace(/\D/g, '');
  return digits.length >= 7 ? String(phone).normalize('NFKC').trim() : null;
}

function LinkCard({ link, qrLabel, testid, children }) {
  const id = testid + '-url';
  // Without a configured public_base_url the server answers a path; a phone needs the whole URL.
  const url = new URL(link.url, location.origin).href;
  return html`<div class="link-card" data-testid=${testid}>
    <${QrCode} text=${url} label=${qrLabel} px=${132} />
    <div class="link-text">
      <label for=${id}>${ja.links.url}</label>
      <input id=${id} readonly value=${url} onFocus=${(e) => e.target.select()} />
      <p class="hint">${ja.links.sentTo(link.sent_to)}・有効期限 ${time(link.expires_at)}</p>
      ${children}
    </div>
  </div>`;
}

// The link's own event (`location_received`, its data names the link) or, while the stream is
// down or the link has run out, a look at the link itself.
function useLinkPosition(link, eventTick, live, onPosition) {
  const [state, setState] = useState('waiting');
  useEffect(() => { setState('waiting'); }, [link]);
  const receive = (p) => { setState('received'); onPosition(p); };
  useEffect(() => {
    if (!link || state !== 'waiting' || eventTick.type !== 'location_received') return;
    const d = (eventTick.data && eventTick.data.data) || {};
    if (d.link_id === link.link_id && Number.isFinite(d.lat)) receive({ lat: d.lat, lon: d.lon, accuracy_m: d.accuracy_m, at: eventTick.data.at });
  }, [eventTick.n]);
  useEffect(() => {
    if (!link || state !== 'waiting') return undefined;
    const t = setInterval(async () => {
      if (live === 'open' && Date.now() < new Date(link.expires_at).getTime()) return;
      try {
        const r = await get('/v1/location-links/' + encodeURIComponent(link.token));
        if (r.status === 'received' && r.position) receive({ lat: r.position.lat, lon: r.position.lon, accuracy_m: r.accuracy_m, at: r.received_at });
        else if (r.status === 'expired') setState('expired');
      } catch { /* the next look */ }
    }, POLL_MS);
    return () => clearInterval(t);
  }, [link, state, live]);
  return state;
}

export function LocationLink({ contractNo, phone, eventTick, live, onPosition }) {
  const [link, setLink] = useState(null);
  const [got, setGot] = useState(null);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const state = useLinkPosition(link, eventTick, live, (p) => { setGot(p); onPosition(p); });
  const send = async () => {
    setBusy(true);
    setErrors([]);
    try {
      const body = { contract_no: contractNo };
      const number = smsNumber(phone);
      if (number) body.phone = number;
      setLink(await post('/v1/location-links', body));
      setGot(null);
    } catch (e) { setErrors(errorSummary(e, ja, ja.fieldLabels)); } finally { setBusy(false); }
  };
  return html`<div class="location-link">
    <button type="button" class="secondary" onClick=${send} disabled=${busy} aria-describedby="link-hint">${link ? ja.links.resend : ja.links.locationButton}</button>
    <span id="link-hint" class="hint">${ja.links.locationHint}</span>
    <${ErrorSummary} items=${errors} autoFocus=${false} />
    ${link && html`<${LinkCard} link=${link} qrLabel=${ja.links.qrLocation} testid="location-link">
      <p role="status" data-testid="location-link-state" class=${'link-state link-' + state}>${state === 'received' && got
        ? ja.links.locationReceived(got.accuracy_m || 0, time(got.at || new Date().toISOString()))
        : state === 'expired' ? ja.links.locationExpired : ja.links.locationWaiting}</p>
    </${LinkCard}>`}
  </div>`;
}

export function TrackingLink({ incidentId, phone }) {
  const [link, setLink] = useState(null);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const send = async () => {
    setBusy(true);
    setErrors([]);
    try {
      const body = {};
      const number = smsNumber(phone);
      if (number) body.phone = number;
      setLink(await post(`/v1/incidents/${encodeURIComponent(incidentId)}/tracking-links`, body));
    } catch (e) { setErrors(errorSummary(e, ja, ja.fieldLabels)); } finally { setBusy(false); }
  };
  return html`<div class="tracking-link">
    <button type="button" class="secondary" onClick=${send} disabled=${busy} aria-describedby="tracking-hint">${link ? ja.links.resend : ja.links.trackingButton}</button>
    <span id="tracking-hint" class="hint">${ja.links.trackingHint}</span>
    <${ErrorSummary} items=${errors} autoFocus=${false} />
    ${link && html`<${LinkCard} link=${link} qrLabel=${ja.links.qrTracking} testid="tracking-link" />`}
  </div>`;
}
