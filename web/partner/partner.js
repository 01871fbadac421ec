// 協力会社: the tow crew's page on a phone in the cab. Sign in (a partner account made by an admin:
// POST /v1/users role partner), then offers arrive live (GET /v1/events) with a sound or a
// vibration where the phone allows it; accept with an ETA in one tap or decline with a reason; the
// job with one big button per allowed next step; the completion with the split the server computes
// and the customer's signature. Statuses and completions go through an outbox (shared/outbox.js)
// that keeps them, with their Idempotency-Key, until the network takes them.
import { html, render, useState, useEffect, useRef, useCallback } from '../shared/ui.js';
import { get, post, del, setCsrfToken, setUnauthorizedHandler, ApiError, errorSummary } from '../shared/api.js';
import { subscribe } from '../shared/events.js';
import { Outbox } from '../shared/outbox.js';
import { ErrorSummary, FieldError, alertCrew, armSound } from './parts.js';
import { OfferCard, offerTitle } from './offers.js';
import { JobView, pendingStatuses, useSharedPosition } from './job.js';
import { ChargesSplit } from './complete.js';
import { TodayJobs, MonthStatement } from './records.js';
import * as ja from './ja.js';

const SESSION = '/v1/staff/sessions/current';
const RELOAD_DELAY_MS = 80;
const POLL_WHEN_OFFLINE_MS = 5000;
const ENGAGED = ['accepted', 'en_route', 'on_scene', 'towing', 'delivered'];

function SignIn({ onSignedIn }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    armSound();
    const items = [];
    if (!login.trim()) items.push({ field: 'login', text: 'ログインIDを入力してください', href: '#f-login' });
    if (!password) items.push({ field: 'password', text: 'パスワードを入力してください', href: '#f-password' });
    setErrors(items);
    if (items.length) return;
    setBusy(true);
    try {
      onSignedIn(await post('/v1/staff/sessions', { login: login.trim(), password }));
    } catch (err) {
      setPassword('');
      setErrors(errorSummary(err, ja, ja.fieldLabels));
    } finally { setBusy(false); }
  };
  const invalid = (f) => (errors.some((i) => i.field === f) ? 'true' : undefined);
  return html`
    <header class="bar"><span class="brand">roadside<small>協力会社</small></span></header>
    <main id="main">
      <h1>サインイン</h1>
      <${ErrorSummary} items=${errors} title="サインインできません" />
      <form onSubmit=${submit} novalidate>
        <div class="field"><label for="f-login">ログインID</label>
          <input id="f-login" name="username" autocomplete="username" autocapitalize="off" value=${login} aria-invalid=${invalid('login')} onInput=${(e) => setLogin(e.target.value)} />
          <${FieldError} items=${errors} field="login" /></div>
        <div class="field"><label for="f-password">パスワード</label>
          <input id="f-password" name="password" type="password" autocomplete="current-password" value=${password} aria-invalid=${invalid('password')} onInput=${(e) => setPassword(e.target.value)} />
          <${FieldError} items=${errors} field="password" /></div>
        <button type="submit" class="big go" disabled=${busy}>サインイン</button>
      </form>
      <p class="hint">協力会社のアカウントでサインインします。アカウントは本部の管理者が発行します。</p>
    </main>`;
}

function Header({ user, partner, live, unsent, onAvailability, onSignOut }) {
  return html`
    <header class="bar">
      <span class="brand">${partner ? partner.name : '協力会社'}<small>${user.name || user.login}</small></span>
      <span class=${'pill ' + (live === 'open' ? 'pill-ok' : 'pill-warn')} role="status">${ja.live[live] || live}</span>
      ${unsent > 0 && html`<span class="pill unsent" role="status" data-testid="unsent">${ja.unsent(unsent)}</span>`}
      ${partner && html`<button type="button" class="link" aria-pressed=${partner.available ? 'true' : 'false'} data-testid="availability"
          onClick=${() => onAvailability(!partner.available)}>${partner.available ? '受付中' : '受付停止中'}</button>`}
      <button type="button" class="link" onClick=${onSignOut}>サインアウト</button>
    </header>`;
}

// What disappeared from the offers without this phone answering: it lapsed (or the desk took it back).
function vanished(before, jobs) {
  const now = new Map(jobs.map((j) => [j.job_id, j]));
  return before.filter((o) => {
    const j = now.get(o.job_id);
    return !j || (j.status !== 'offered' && !ENGAGED.includes(j.status) && j.status !== 'completed');
  });
}

function useJobs(outbox) {
  const [jobs, setJobs] = useState(null);
  const [notes, setNotes] = useState([]);
  const offers = useRef([]);
  const answered = useRef(new Set());
  const load = useCallback(async () => {
    let list;
    try { list = (await get('/v1/partner/jobs')).jobs; } catch { return; }
    const lapsed = vanished(offers.current, list).filter((o) => !answered.current.has(o.job_id));
    if (lapsed.length) setNotes((n) => [...lapsed.map((o) => ({ id: o.job_id, text: ja.eventNote.lapsed(offerTitle(o)) })), ...n].slice(0, 3));
    const fresh = list.filter((j) => j.status === 'offered' && !offers.current.some((o) => o.job_id === j.job_id));
    offers.current = list.filter((j) => j.status === 'offered');
    setJobs(list);
    if (fresh.length) {
      window.__offersShown = window.__offersShown || {};
      for (const j of fresh) window.__offersShown[j.job_id] = Date.now();
      alertCrew();
    }
  }, []);
  // An offer whose countdown ran out leaves the screen at once (the server's sweep follows).
  const expire = useCallback((job) => {
    offers.current = offers.current.filter((o) => o.job_id !== job.job_id);
    setJobs((list) => list && list.filter((j) => j.job_id !== job.job_id));
    setNotes((n) => [{ id: job.job_id, text: ja.eventNote.lapsed(offerTitle(job)) }, ...n.filter((x) => x.id !== job.job_id)].slice(0, 3));
  }, []);
  const markAnswered = useCallback((id) => answered.current.add(id), []);
  return { jobs, notes, load, expire, markAnswered, dismiss: (id) => setNotes((n) => n.filter((x) => x.id !== id)) };
}

// A completion just made: its split (the server's answer), or a note that it waits to be sent.
function Finished({ item, onClose }) {
  return html`<section class="panel" data-testid="finished">
    ${item.charges ? html`<${ChargesSplit} charges=${item.charges} title="完了しました" />`
      : html`<p class="done-mark" role="status">完了報告を保存しました</p><p>電波が戻ると自動で送信します。</p>`}
    <button type="button" class="big quiet" onClick=${onClose}>閉じる</button></section>`;
}

function Work({ jobs, partner, position, outbox, entries, state, failure, onChanged }) {
  const [finished, setFinished] = useState([]);
  if (!jobs) return html`<p class="hint">読み込み中…</p>`;
  const pending = pendingStatuses(entries);
  const offers = jobs.filter((j) => j.status === 'offered' && !pending[j.job_id]);
  const current = jobs.filter((j) => ENGAGED.includes(j.status) || (pending[j.job_id] && pending[j.job_id] !== 'completed'));
  return html`
    ${state.notes.map((n) => html`<p class="note warn" role="status" data-testid="lapsed-note">${n.text}
      <button type="button" class="quiet" onClick=${() => state.dismiss(n.id)}>閉じる</button></p>`)}
    ${failure && html`<${ErrorSummary} items=${[{ text: `${failure.entry.label}: ${ja.errors[failure.error.code] || failure.error.message}` }]} title="送信できなかった操作" autoFocus=${false} />`}
    ${offers.map((j) => html`<${OfferCard} key=${j.job_id} job=${j} partner=${partner} position=${position}
        onAnswered=${(id) => { state.markAnswered(id); onChanged(); }} onExpired=${state.expire} />`)}
    ${finished.map((f) => html`<${Finished} key=${f.job_id} item=${f} onClose=${() => setFinished(finished.filter((x) => x !== f))} />`)}
    ${current.map((j) => html`<${JobView} key=${j.job_id} job=${j} pending=${pending[j.job_id]} outbox=${outbox} position=${position}
        onChanged=${onChanged} onCompleted=${(f) => setFinished([f, ...finished.filter((x) => x.job_id !== f.job_id)])} />`)}
    ${!offers.length && !current.length && !finished.length && html`<section class="panel" data-testid="idle"><h2>依頼を待っています</h2>
      <p>新しい依頼が届くと、音と振動でお知らせします。${partner && !partner.available ? html`<strong>いまは「受付停止中」です。</strong>` : ''}</p></section>`}`;
}

function App({ session }) {
  const user = session.user;
  const [partner, setPartner] = useState(null);
  const [live, setLive] = useState('connecting');
  const [tab, setTab] = useState('work');
  const [entries, setEntries] = useState([]);
  const [failure, setFailure] = useState(null);
  const outbox = useRef(null);
  if (!outbox.current) {
    outbox.current = new Outbox('roadside.partner.outbox.' + user.id, (list, fail) => { setEntries(list); if (fail) setFailure(fail); });
  }
  const state = useJobs(outbox.current);
  const reloadTimer = useRef(null);
  const reload = useCallback(() => { clearTimeout(reloadTimer.current); reloadTimer.current = setTimeout(state.load, RELOAD_DELAY_MS); }, []);
  const loadPartner = useCallback(() => get('/v1/partners/' + encodeURIComponent(user.partner_id)).then(setPartner, () => {}), []);
  useEffect(() => {
    setEntries(outbox.current.entries());
    outbox.current.flush().then(state.load);
    loadPartner();
    return () => outbox.current.close();
  }, []);
  useEffect(() => subscribe({
    onEvent: () => reload(), onResync: reload, onState: setLive,
    onEnd: () => get(SESSION).catch(() => {}), beforeRetry: () => get(SESSION),
  }), []);
  useEffect(() => {
    if (live === 'open') return undefined;
    const t = setInterval(state.load, POLL_WHEN_OFFLINE_MS);
    return () => clearInterval(t);
  }, [live]);
  const engagedEnRoute = (state.jobs || []).some((j) => j.status === 'en_route') || Object.values(pendingStatuses(entries)).includes('en_route');
  const position = useSharedPosition(engagedEnRoute);
  const onAvailability = async (available) => {
    try { await post('/v1/partner/position', { available }); loadPartner(); } catch (e) { setFailure({ entry: { label: '受付状態' }, error: e }); }
  };
  const onSignOut = async () => {
    try { await del(SESSION); } catch { /* signed out either way */ }
    location.reload();
  };
  return html`
    <${Header} user=${user} partner=${partner} live=${live} unsent=${entries.length} onAvailability=${onAvailability} onSignOut=${onSignOut} />
    <main id="main">
      <h1 class="visually-hidden">協力会社の作業</h1>
      <nav class="tabs" aria-label="表示の切り替え">
        ${[['work', '依頼・作業'], ['today', '本日の作業'], ['month', '月次明細']].map(([k, t]) => html`
          <button type="button" aria-pressed=${tab === k ? 'true' : 'false'} onClick=${() => setTab(k)}>${t}</button>`)}
      </nav>
      ${tab === 'work' && html`<${Work} jobs=${state.jobs} partner=${partner} position=${position} outbox=${outbox.current}
          entries=${entries} state=${state} failure=${failure} onChanged=${reload} />`}
      ${tab === 'today' && html`<${TodayJobs} jobs=${state.jobs} />`}
      ${tab === 'month' && html`<${MonthStatement} partnerId=${user.partner_id} />`}
    </main>`;
}

function NotPartner({ user }) {
  return html`<header class="bar"><span class="brand">roadside<small>協力会社</small></span></header>
    <main id="main"><section class="panel" role="alert"><h1>このページは協力会社用です</h1>
      <p>${user.name || user.login}さんのアカウントは協力会社のアカウントではありません。受付・審査の画面は <a href="/console/">こちら</a> です。</p></section></main>`;
}

async function start() {
  const root = document.getElementById('app');
  setUnauthorizedHandler(() => {});
  let session = null;
  try { session = await get(SESSION); } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      render(html`<main><${ErrorSummary} items=${[{ text: ja.errors[e.code] || ja.errors.unexpected }]} /></main>`, root);
      return;
    }
  }
  const show = (s) => {
    setCsrfToken(s.csrf_token);
    setUnauthorizedHandler(() => location.reload());
    render(s.user.role === 'partner' ? html`<${App} session=${s} />` : html`<${NotPartner} user=${s.user} />`, root);
  };
  if (session) show(session);
  else render(html`<${SignIn} onSignedIn=${show} />`, root);
}

start();
