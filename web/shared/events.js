// Live updates: one EventSource on /v1/events (the session cookie authenticates it). The browser
// reconnects by itself and sends Last-Event-ID, so nothing is missed; when the server answers
// `event: reload` (what was missed is older than it keeps) or the stream is closed for good, the
// page is told to fetch its state afresh. Events are only triggers: pages re-read the object an
// event names, so the screen always shows what the API says.

// The server names each frame by its event type (`event: job_accepted`); EventSource delivers a
// named frame only to a listener of that name, so every type the server writes is listed here.
const NAMED = [
  'call_received', 'coverage_verified', 'call_refused',
  'job_created', 'job_offered', 'offer_declined', 'offer_expired', 'job_accepted',
  'job_en_route', 'job_on_scene', 'job_towing', 'job_delivered', 'job_completed',
  'job_cancelled', 'job_unassigned', 'job_redispatched',
  'claim_decided', 'claim_reviewed', 'claim_paid',
  'contract_created', 'contract_cancelled', 'vehicle_updated', 'contract_vehicle_updated',
  'location_received', 'location_shared',
];

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

// Finds the ids an event is about, wherever the payload keeps them.
export function idsOf(data) {
  const out = {};
  const visit = (o, depth) => {
    if (!o || typeof o !== 'object' || depth > 2) return;
    for (const k of ['incident_id', 'job_id', 'claim_id', 'partner_id']) {
      if (typeof o[k] === 'string' && !out[k]) out[k] = o[k];
    }
    for (const v of Object.values(o)) if (v && typeof v === 'object') visit(v, depth + 1);
  };
  visit(data, 0);
  return out;
}

// subscribe({onEvent(evt), onResync(), onState(state), onEnd(reason), beforeRetry()}) → unsubscribe.
// evt = {type, id, data, ids}; state: 'connecting' | 'open' | 'retrying'. The server ends a
// stream with `event: end` (the session ended, the user was disabled, the server stops);
// beforeRetry runs before each reopening after a refusal, e.g. to see whether the session is gone.
export function subscribe({ onEvent, onResync, onState = () => {}, onEnd = () => {}, beforeRetry = async () => {} }) {
  let source = null;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let timer = null;
  let everOpened = false;

  const deliver = (type) => (e) => {
    let data = {};
    try { data = JSON.parse(e.data); } catch { data = { raw: e.data }; }
    const t = type === 'message' ? (data.type || data.event || 'message') : type;
    onEvent({ type: t, id: e.lastEventId, data, ids: idsOf(data) });
  };

  const open = () => {
    if (closed) return;
    onState('connecting');
    source = new EventSource('/v1/events');
    source.onopen = () => {
      retryMs = RETRY_MIN_MS;
      onState('open');
      // A stream opened again after a full close starts without Last-Event-ID: catch up by
      // reading the state instead.
      if (everOpened && onResync) onResync();
      everOpened = true;
    };
    source.onmessage = deliver('message');
    for (const name of NAMED) source.addEventListener(name, deliver(name));
    source.addEventListener('reload', () => { if (onResync) onResync(); });
    source.addEventListener('end', (e) => {
      let reason = '';
      try { reason = JSON.parse(e.data).reason || ''; } catch { /* no reason */ }
      onEnd(reason);
    });
    source.onerror = () => {
      if (closed) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status): try again later, with a growing pause.
        onState('retrying');
        source.close();
        timer = setTimeout(() => { Promise.resolve(beforeRetry()).catch(() => {}).then(open); }, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      } else {
        onState('retrying');  // the browser reconnects by itself, with Last-Event-ID
      }
    };
  };
  open();
  return () => {
    closed = true;
    clearTimeout(timer);
    if (source) source.close();
  };
}
