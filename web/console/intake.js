// 受付: find the contract (plate, full- or half-width, or contract number), the verdict as the
// agent types, the call recorded or refused — and then, on the same screen, dispatch and the
// incident's live timeline (dispatch.js).
import { html, useState, useEffect, useRef, useMemo, useCallback, debounce } from '../shared/ui.js';
import { get, post, query, errorSummary, fieldId } from '../shared/api.js';
import { subscribe } from '../shared/events.js';
import { JapanMap, circlePoints } from '../shared/map.js';
import { day, km, normalizeInput, shortTime } from '../shared/format.js';
import { startPage, checkSession, Header, ErrorSummary, FieldError, ReasonLine } from './shell.js';
import { DispatchPanel, Timeline } from './dispatch.js';
import { LocationLink } from './links.js';
import * as ja from './ja.js';

const LOOKUP_DELAY_MS = 250;
const CHECK_DELAY_MS = 120;
const REMOTE_KM = 100;

// A contract number is ASCII letters, digits and '-' ("DEMO-00006", "KT-2026-000123"); anything
// else (kanji, kana) is a plate.
export function looksLikeContractNo(text) {
  const n = normalizeInput(text);
  return /^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9-]*\d$/.test(n);
}

function parseCoord(s) {
  const t = normalizeInput(s);
  if (!t) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}

// The holder's birth date as the caller says it and the agent types it: 1980-04-01, 1980/4/1,
// 1980.4.1, 19800401 (any width) → "1980-04-01"; '' when empty; null when it is not a date.
export function parseBirthDate(s) {
  const t = normalizeInput(s);
  if (!t) return '';
  const c = t.replace(/\s/g, '');
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(c) || /^(\d{4})(\d{2})(\d{2})$/.exec(c);
  if (!m) return null;
  const [y, mo, da] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, da));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== da || y < 1900) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(da).padStart(2, '0')}`;
}

// What the caller said about who they are, as the API takes it (第3条(1)).
function callerIdentity(caller) {
  const out = {};
  const name = normalizeInput(caller.name);
  if (name) out.name = name;
  const birth = parseBirthDate(caller.birth);
  if (birth) out.holder_birth_date = birth;
  return out;
}

function Search({ onFound, onCleared, errors, setErrors, setLiveErrors }) {
  const [text, setText] = useState('');
  const [state, setState] = useState('idle');
  const seq = useRef(0);
  const run = useCallback(async (value, viaEnter = false) => {
    const n = normalizeInput(value);
    if (n.length < 3) { setState('idle'); onCleared(); return; }
    const mine = ++seq.current;
    setState('searching');
    try {
      const q = looksLikeContractNo(n) ? { contract_no: n } : { plate: value.trim() };
      const r = await get('/v1/contracts' + query(q));
      if (mine !== seq.current) return;
      if (!r.contracts.length) { setState('none'); onCleared(); return; }
      setState('found');
      setErrors([]);
      setLiveErrors([]);
      onFound(r.contracts, q, viaEnter);
    } catch (e) {
      if (mine !== seq.current) return;
      setState('error');
      (viaEnter ? setErrors : setLiveErrors)(errorSummary(e, ja, ja.fieldLabels));
    }
  }, [onFound, onCleared]);
  const later = useMemo(() => debounce(run, LOOKUP_DELAY_MS), [run]);
  return html`
    <form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); later.cancel(); run(text, true); }}>
      <label for="f-plate">ナンバー または 契約番号</label>
      <div class="search-row">
        <input id="f-plate" name="plate" autocomplete="off" autofocus spellcheck="false" value=${text}
               placeholder="品川 300 あ 1234 / DEMO-00006"
               aria-describedby="plate-hint" onInput=${(e) => { setText(e.target.value); later(e.target.value); }} />
        <button type="submit">検索</button>
      </div>
      <p id="plate-hint" class="hint" aria-live="polite">
        ${state === 'searching' ? '検索中…' : state === 'none' ? html`<strong class="warn">該当する契約が見つかりません</strong>`
          : '全角・半角・空白はどちらでも検索できます'}</p>
      <${FieldError} items=${errors} field="plate" />
    </form>`;
}

function Verdict({ verdict, located, pending }) {
  if (!verdict) {
    return html`<section class="verdict verdict-none" aria-live="polite" aria-label="判定"><p class="verdict-head">判定 —</p>
      <p class="hint">ナンバーか契約番号を入力すると、ここに判定が表示されます</p></section>`;
  }
  const ok = verdict.eligible;
  const notes = verdict.notes || [];
  return html`
    <section class=${'verdict ' + (ok ? 'verdict-ok' : 'verdict-ng') + (pending ? ' verdict-pending' : '')} aria-live="polite" aria-label="判定" data-testid="verdict">
      <p class="verdict-head"><span class="verdict-word">${ok ? '対象' : '対象外'}</span>
        <span class="verdict-sub">ロードサービス${ok ? '対象' : '対象外'}</span></p>
      ${!ok && html`<ul class="reasons">${verdict.reasons.map((r) => html`<${ReasonLine} entry=${ja.coverageReasons[r.code]} details=${r.details} serverClause=${r.clause} fallback=${r.message} />`)}</ul>`}
      ${notes.length > 0 && html`<ul class="notes">${notes.map((r) => html`<${ReasonLine} entry=${ja.coverageNotes[r.code]} details=${r.details} serverClause=${r.clause} fallback=${r.message} />`)}</ul>`}
      <dl class="verdict-facts">
        <div><dt>自宅からの直線距離</dt><dd data-testid="distance">${located ? km(verdict.distance_from_home_km) : '現在地待ち'}</dd></div>
        <div><dt>遠方トラブルサポート</dt><dd data-testid="remote">${located
          ? html`<strong class=${verdict.remote_support_eligible ? 'yes' : 'no'}>${verdict.remote_support_eligible ? '対象' : '対象外'}</strong> <small>（${REMOTE_KM} km以上）</small>`
          : '—'}</dd></div>
        <div><dt>無料搬送</dt><dd>${verdict.free_tow_km ?? 50} km まで</dd></div>
        <${IdentityFacts} identity=${verdict.caller_identity} />
      </dl>
    </section>`;
}

function IdentityFacts({ identity }) {
  if (!identity || (identity.name_matches == null && identity.birth_date_matches == null)) return null;
  const word = (m) => (m == null ? ja.identity.unchecked : m ? ja.identity.match : ja.identity.mismatch);
  const cls = (m) => (m == null ? '' : m ? 'id-ok' : 'id-ng');
  return html`<div data-testid="identity"><dt>${ja.identity.title}</dt><dd>
    ${ja.identity.name} <strong class=${cls(identity.name_matches)}>${word(identity.name_matches)}</strong>・${ja.identity.birth}
    <strong class=${cls(identity.birth_date_matches)}>${word(identity.birth_date_matches)}</strong></dd></div>`;
}

function ContractCard({ contract, count, incidents }) {
  const c = contract, v = c.vehicle, cov = c.coverage;
  return html`
    <section class="card" aria-labelledby="card-title">
      <h2 id="card-title">契約 <span data-testid="contract-no">${c.contract_no}</span>
        <span class=${'tag tag-' + c.status}>${{ active: '有効', not_started: '開始前', expired: '満了', cancelled: '解約' }[c.status] || c.status}</span></h2>
      ${count > 1 && html`<p class="hint">同じナンバーの契約が${count}件あります。受付日に有効な契約を表示しています</p>`}
      <dl class="facts">
        <div><dt>契約者</dt><dd>${c.holder.name}（${c.holder.name_kana}）生年月日 ${day(c.holder.birth_date)}</dd></div>
        <div><dt>プラン</dt><dd>${c.product.name}</dd></div>
        <div><dt>保証期間</dt><dd>${day(cov.start_date)}〜${day(cov.end_date)}</dd></div>
        <div><dt>免責期間</dt><dd>${cov.deductible_until ? `${day(cov.deductible_until)}まで` : 'なし（免責ゼロ）'}</dd></div>
        <div><dt>走行距離上限</dt><dd>${cov.mileage_limit_km ? `${Number(cov.mileage_limit_km).toLocaleString()} km` : 'なし'}</dd></div>
        <div><dt>車両</dt><dd>${v.plate}　${ja.vehicleKinds[v.kind] || v.kind}${ja.vehicleUses[v.use] || v.use}${v.private_use ? '' : '（事業用）'}
          ${(v.length_mm / 1000).toFixed(2)} m × ${(v.width_mm / 1000).toFixed(2)} m ${(v.gross_weight_kg / 1000).toFixed(2)} t 定員${v.seating_capacity}名</dd></div>
        <div><dt>車検満了日</dt><dd>${day(v.inspection_expiry)}</dd></div>
        <div><dt>住所</dt><dd>${c.holder.address}</dd></div>
      </dl>
      ${incidents && html`<details class="past"><summary>過去の受付 ${incidents.length}件</summary>
        ${incidents.length ? html`<ul>${incidents.map((i) => html`<li>${shortTime(i.at)} ${ja.problems[i.problem] || i.problem || ''} <span class=${'tag tag-' + i.status}>${ja.incidentStatus[i.status] || i.status}</span></li>`)}</ul>` : html`<p>ありません</p>`}
      </details>`}
    </section>`;
}

function CallForm({ verdict, located, lat, lon, setLat, setLon, odometer, setOdometer, caller, setCaller, onRecorded, contract, errors, setErrors, disabled, eventTick, live }) {
  const [problem, setProblem] = useState('');
  const [occupants, setOccupants] = useState('1');
  const [notes, setNotes] = useState('');
  const [grounds, setGrounds] = useState([]);
  const [busy, setBusy] = useState(false);

  const body = (refuse) => {
    const b = { contract_no: contract.contract_no, location: { lat: parseCoord(lat), lon: parseCoord(lon) }, problem,
      occupants: Number(occupants), caller: { ...callerIdentity(caller), name: normalizeInput(caller.name), phone: normalizeInput(caller.phone) }, notes };
    if (normalizeInput(odometer)) b.odometer_km = Number(normalizeInput(odometer));
    if (refuse) b.refusal_grounds = grounds;
    return b;
  };
  const validate = (refuse) => {
    const items = [];
    const add = (field, text) => items.push({ field, text: `${ja.fieldLabels[field]}: ${text}`, href: '#' + fieldId(field) });
    if (!located) {
      if (!Number.isFinite(parseCoord(lat))) add('location.lat', '緯度を入力するか、地図をクリックしてください');
      if (!Number.isFinite(parseCoord(lon))) add('location.lon', '経度を入力してください');
    }
    if (!problem) add('problem', '症状を選んでください');
    if (!(Number(occupants) >= 0 && Number(occupants) <= 99)) add('occupants', '0〜99で入力してください');
    if (parseBirthDate(caller.birth) === null) add('caller.holder_birth_date', ja.identity.badBirth);
    if (refuse && !grounds.length) add('refusal_grounds', 'お断りの理由を1つ以上選んでください');
    return items;
  };
  const submit = async (refuse) => {
    const items = validate(refuse);
    setErrors(items);
    if (items.length) return;
    setBusy(true);
    try {
      const r = await post('/v1/calls', body(refuse));
      onRecorded(r, problem);
    } catch (e) {
      setErrors(errorSummary(e, ja, ja.fieldLabels));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (code) => setGrounds((g) => (g.includes(code) ? g.filter((x) => x !== code) : [...g, code]));
  const invalid = (f) => (errors.some((i) => i.field === f) ? 'true' : undefined);
  return html`
    <form class="call" onSubmit=${(e) => { e.preventDefault(); submit(false); }} aria-labelledby="call-title" novalidate
          onKeyDown=${(e) => { if (e.key === 'Enter' && e.target.tagName === 'SELECT') { e.preventDefault(); submit(false); } }}>
      <h2 id="call-title" class="visually-hidden">受付内容</h2>
      <fieldset class="location">
        <legend>現在地（故障場所）</legend>
        <div class="row">
          <div class="field"><label for="f-location-lat">緯度</label>
            <input id="f-location-lat" inputmode="decimal" autocomplete="off" value=${lat} aria-invalid=${invalid('location.lat')}
                   onInput=${(e) => setLat(e.target.value)} onPaste=${(e) => {
                     const t = (e.clipboardData || window.clipboardData).getData('text');
                     const m = /(-?\d+(?:\.\d+)?)\s*[,、\s]\s*(-?\d+(?:\.\d+)?)/.exec(normalizeInput(t));
                     if (m) { e.preventDefault(); setLat(m[1]); setLon(m[2]); }
                   }} /></div>
          <div class="field"><label for="f-location-lon">経度</label>
            <input id="f-location-lon" inputmode="decimal" autocomplete="off" value=${lon} aria-invalid=${invalid('location.lon')} onInput=${(e) => setLon(e.target.value)} /></div>
          <div class="field"><label for="f-odometer_km">走行距離 <small>(km・任意)</small></label>
            <input id="f-odometer_km" inputmode="numeric" autocomplete="off" value=${odometer} onInput=${(e) => setOdometer(e.target.value)} /></div>
        </div>
        <p class="hint">地図をクリックしても指定できます。「35.0, 135.8」の形で貼り付けもできます。</p>
        <${LocationLink} contractNo=${contract.contract_no} phone=${caller.phone} eventTick=${eventTick} live=${live}
          onPosition=${(p) => { setLat(String(p.lat)); setLon(String(p.lon)); }} />
        <${FieldError} items=${errors} field="location.lat" /><${FieldError} items=${errors} field="location.lon" />
      </fieldset>
      <div class="row">
        <div class="field grow"><label for="f-problem">症状</label>
          <select id="f-problem" value=${problem} aria-invalid=${invalid('problem')} onChange=${(e) => setProblem(e.target.value)}>
            <option value="">選んでください</option>
            ${Object.entries(ja.problems).map(([k, t]) => html`<option value=${k}>${t}</option>`)}
          </select><${FieldError} items=${errors} field="problem" /></div>
        <div class="field narrow"><label for="f-occupants">乗車人数</label>
          <input id="f-occupants" type="number" min="0" max="99" value=${occupants} aria-invalid=${invalid('occupants')} onInput=${(e) => setOccupants(e.target.value)} /></div>
      </div>
      ${problem === 'accident' && html`<div class="referral" role="alert" data-testid="accident">
        <p><strong>${ja.referrals.accident_not_breakdown.title}</strong></p>
        <p>${ja.referrals.accident_not_breakdown.text} <small class="clause">— ${ja.referrals.accident_not_breakdown.clause}</small></p></div>`}
      <fieldset class="caller">
        <legend>通報者・本人確認 <small class="clause">第3条(1)</small></legend>
        <div class="row">
          <div class="field grow"><label for="f-caller-name">通報者名</label>
            <input id="f-caller-name" autocomplete="off" value=${caller.name} onInput=${(e) => setCaller({ ...caller, name: e.target.value })} /></div>
          <div class="field grow"><label for="f-caller-phone">通報者電話</label>
            <input id="f-caller-phone" type="tel" autocomplete="off" value=${caller.phone} onInput=${(e) => setCaller({ ...caller, phone: e.target.value })} /></div>
          <div class="field grow"><label for="f-caller-holder_birth_date">契約者の生年月日</label>
            <input id="f-caller-holder_birth_date" autocomplete="off" inputmode="numeric" placeholder="1980-04-01" value=${caller.birth}
                   aria-invalid=${invalid('caller.holder_birth_date')} onInput=${(e) => setCaller({ ...caller, birth: e.target.value })} /></div>
        </div>
        <${FieldError} items=${errors} field="caller.holder_birth_date" />
      </fieldset>
      <div class="field"><label for="f-notes">メモ</label>
        <textarea id="f-notes" rows="2" value=${notes} onInput=${(e) => setNotes(e.target.value)}></textarea></div>
      <div class="actions">
        <button type="submit" class="primary" disabled=${busy || disabled}>${verdict && !verdict.eligible ? '対象外として記録' : '受付する'}</button>
      </div>
      <details class="refuse">
        <summary>お断りとして記録する（第6条・第3条）</summary>
        <fieldset id="f-refusal_grounds">
          <legend>お断り理由</legend>
          <div class="grounds">${Object.entries(ja.refusalGrounds).map(([code, [text, clause]]) => html`
            <label class="check"><input type="checkbox" checked=${grounds.includes(code)} onChange=${() => toggle(code)} />
              ${text} <small class="clause">${clause}</small></label>`)}</div>
        </fieldset>
        <${FieldError} items=${errors} field="refusal_grounds" />
        <button type="button" class="danger" disabled=${busy || disabled} onClick=${() => submit(true)}>お断りとして記録</button>
      </details>
    </form>`;
}

function IntakeApp({ user }) {
  const [contracts, setContracts] = useState(null);
  const [searchQ, setSearchQ] = useState(null);
  const [verdict, setVerdict] = useState(null);
  const [pending, setPending] = useState(false);
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [odometer, setOdometer] = useState('');
  const [caller, setCaller] = useState({ name: '', phone: '', birth: '' });
  const [errors, setErrors] = useState([]);
  const [liveErrors, setLiveErrors] = useState([]);
  const [incidents, setIncidents] = useState(null);
  const [recorded, setRecorded] = useState(null);  // {incident_id, status, problem}
  const [mapPick, setMapPick] = useState('breakdown');
  const [destination, setDestination] = useState(null);
  const [dispatchMarkers, setDispatchMarkers] = useState([]);
  const [live, setLive] = useState('connecting');
  const [eventTick, setEventTick] = useState({ n: 0, ids: {} });
  const seq = useRef(0);
  // "?incident=<id>" (from the board): that incident's live timeline, above a fresh intake.
  const opened = new URLSearchParams(location.search).get('incident');

  const la = parseCoord(lat), lo = parseCoord(lon);
  const located = Number.isFinite(la) && Number.isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180;
  const contract = useMemo(() => {
    if (!contracts) return null;
    if (verdict) return contracts.find((c) => c.id === verdict.contract_id) || contracts[0];
    return contracts[0];
  }, [contracts, verdict]);

  useEffect(() => subscribe({
    onEvent: (evt) => setEventTick((t) => ({ n: t.n + 1, ids: evt.ids, type: evt.type, data: evt.data })),
    onResync: () => setEventTick((t) => ({ n: t.n + 1, ids: {}, resync: true })),
    onState: setLive,
    onEnd: () => checkSession().catch(() => {}),
    beforeRetry: checkSession,
  }), []);

  const check = useMemo(() => debounce(async (c, location, odo, who) => {
    const mine = ++seq.current;
    const started = performance.now();
    try {
      const body = { contract_no: c.contract_no, location: location || c.home };
      const o = normalizeInput(odo);
      if (o && Number.isFinite(Number(o))) body.odometer_km = Number(o);
      if (Object.keys(who).length) body.caller = who;
      const v = await post('/v1/coverage/check', body);
      if (mine !== seq.current) return;
      setVerdict(v);
      setPending(false);
      setLiveErrors([]);
      window.__verdictMs = performance.now() - started;
    } catch (e) {
      if (mine !== seq.current) return;
      setPending(false);
      setLiveErrors(errorSummary(e, ja, ja.fieldLabels));
    }
  }, CHECK_DELAY_MS), []);

  const identity = callerIdentity(caller);
  useEffect(() => {
    if (!contract) return;
    setPending(true);
    check(contract, located ? { lat: la, lon: lo } : null, odometer, identity);
  }, [contract && contract.id, located, la, lo, odometer, JSON.stringify(identity)]);

  const onFound = useCallback((list, q, viaEnter) => {
    setContracts(list);
    setSearchQ(q);
    setVerdict(null);
    setRecorded(null);
    setIncidents(null);
    // Enter means "found it, next": the cursor goes to where the car is (keyboard-first flow).
    if (viaEnter) setTimeout(() => { const f = document.getElementById('f-location-lat'); if (f && !f.value) f.focus(); }, 0);
    const no = list[0].contract_no;
    get('/v1/incidents' + query({ contract_no: no, limit: 20 }))
      .then((r) => setIncidents(r.incidents || []), () => setIncidents(null));
  }, []);
  const onCleared = useCallback(() => { setContracts(null); setVerdict(null); }, []);

  const onPick = (p) => {
    if (recorded && mapPick === 'destination') { setDestination({ lat: p.lat, lon: p.lon, name: '地図で指定した地点', from: 'map' }); return; }
    if (recorded) return;
    setLat(String(p.lat));
    setLon(String(p.lon));
  };

  const markers = [];
  if (contract) markers.push({ id: 'home', kind: 'home', lat: contract.home.lat, lon: contract.home.lon, title: '自宅（使用の本拠の位置）', label: '自宅' });
  if (located) markers.push({ id: 'breakdown', kind: 'breakdown', lat: la, lon: lo, title: '故障場所', label: '現在地' });
  if (destination) markers.push({ id: 'dest', kind: 'shop', lat: destination.lat, lon: destination.lon, title: destination.name, label: '搬送先' });
  markers.push(...dispatchMarkers);
  const circles = contract ? [{ key: 'remote', center: contract.home, radiusKm: REMOTE_KM, cls: 'remote' }] : [];
  // Before the call is recorded the view holds every marker and the whole 100 km circle (how the
  // breakdown lies against the remote-support line); once dispatching, the scene: breakdown,
  // destination and partners.
  const scene = recorded && located
    ? markers.filter((m) => m.id !== 'home').map((m) => ({ lat: m.lat, lon: m.lon }))
    : markers.map((m) => ({ lat: m.lat, lon: m.lon })).concat(contract ? circlePoints(contract.home, REMOTE_KM, 8) : []);
  const fitKey = [contract && contract.id, located && `${la},${lo}`, !!recorded, dispatchMarkers.map((m) => m.id).join()].join('|');

  return html`
    <${Header} user=${user} active="intake" live=${live} />
    <main id="main" class="intake">
      <div class="left">
        <h1 class="visually-hidden">受付</h1>
        ${opened && html`<${Timeline} incidentId=${opened} eventTick=${eventTick} live=${live} />`}
        <${ErrorSummary} items=${errors} />
        <${ErrorSummary} items=${liveErrors} autoFocus=${false} title="確認してください" />
        <${Search} onFound=${onFound} onCleared=${onCleared} errors=${errors.concat(liveErrors)} setErrors=${setErrors} setLiveErrors=${setLiveErrors} />
        <${Verdict} verdict=${contract ? verdict : null} located=${located} pending=${pending} />
        ${contract && html`<${ContractCard} contract=${contract} count=${contracts.length} incidents=${incidents} />`}
        ${contract && !recorded && html`<${CallForm} key=${contract.id} verdict=${verdict} located=${located} lat=${lat} lon=${lon}
            setLat=${setLat} setLon=${setLon} odometer=${odometer} setOdometer=${setOdometer} contract=${contract}
            caller=${caller} setCaller=${setCaller} eventTick=${eventTick} live=${live}
            errors=${errors} setErrors=${setErrors} disabled=${!verdict}
            onRecorded=${(r, problem) => { setErrors([]); setRecorded({ ...r, problem }); }} />`}
        ${recorded && html`<${DispatchPanel} recorded=${recorded} eventTick=${eventTick} live=${live}
            destination=${destination} setDestination=${setDestination} mapPick=${mapPick} setMapPick=${setMapPick}
            setMarkers=${setDispatchMarkers} />`}
        ${recorded && html`<p><button type="button" class="secondary" onClick=${() => location.reload()}>次の受付へ</button></p>`}
      </div>
      <div class="right">
        <${JapanMap} label="地図" markers=${markers} circles=${circles} fit=${scene.length ? scene : null} fitKey=${fitKey} onPick=${onPick} />
        <p class="legend" aria-hidden="true"><span class="lg lg-home">●</span> 自宅 <span class="lg lg-breakdown">✕</span> 現在地
          <span class="lg lg-partner">▲</span> 協力会社 <span class="lg lg-shop">■</span> 搬送先・指定工場 <span class="lg lg-remote">◯</span> 自宅から${REMOTE_KM} km</p>
      </div>
    </main>`;
}

startPage(IntakeApp, 'intake');
