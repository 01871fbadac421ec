// What every console page shares: the staff session (cookie + CSRF token), the header with the
// navigation and the signed-in person, the error summary, and the live-update indicator.
import { html, render, useEffect, useRef } from '../shared/ui.js';
import { get, del, setCsrfToken, setUnauthorizedHandler, ApiError } from '../shared/api.js';
import * as ja from './ja.js';

export const SESSION_PATH = '/v1/staff/sessions/current';

function toSignIn() {
  const next = location.pathname + location.search + location.hash;
  location.assign('signin.html?next=' + encodeURIComponent(next));
}

// Who does what (the server refuses the rest too; this says it plainly before anything fails).
const WORK = {
  intake: { roles: ['agent', 'admin'], who: '受付担当と管理者', what: '受付' },
  board: { roles: ['agent', 'admin'], who: '受付担当と管理者', what: 'ボード' },
  office: { roles: ['reviewer', 'admin'], who: '審査担当と管理者', what: '審査・支払' },
};

function Refusal({ user, page }) {
  const w = WORK[page];
  const home = NAV.find((n) => WORK[n.key].roles.includes(user.role));
  return html`<${Header} user=${user} active=${page} />
    <main id="main"><section class="refusal" role="alert" data-testid="refusal">
      <h1>このページは利用できません</h1>
      <p>${w.what}は<strong>${w.who}</strong>の業務です。${user.name || user.login}さん（${ja.roles[user.role] || user.role}）のアカウントでは開けません。</p>
      <p>必要な場合は管理者に権限を依頼してください。${home && html`<a href=${home.href}>${home.text}へ</a>`}</p>
    </section></main>`;
}

// Reads the session, then renders <App user=…/> into #app — or, for someone whose work this page
// is not, a clear refusal. Without a session: the sign-in page.
export async function startPage(App, page) {
  const root = document.getElementById('app');
  setUnauthorizedHandler(toSignIn);
  let session;
  try {
    session = await get(SESSION_PATH);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;  // on its way to the sign-in page
    render(html`<main class="page"><${ErrorSummary} items=${[{ text: ja.errors[e.code] || ja.errors.unexpected }]} /></main>`, root);
    return;
  }
  setCsrfToken(session.csrf_token);
  const allowed = !page || WORK[page].roles.includes(session.user.role);
  render(allowed ? html`<${App} user=${session.user} />` : html`<${Refusal} user=${session.user} page=${page} />`, root);
}

// For live streams: after the server ended or refused one, see whether the session is still there
// (a 401 sends the person to the sign-in page).
export const checkSession = () => get(SESSION_PATH);

async function signOut() {
  try { await del(SESSION_PATH); } catch { /* signed out either way */ }
  location.assign('signin.html');
}

const NAV = [
  { href: './', key: 'intake', text: '受付' },
  { href: 'board.html', key: 'board', text: 'ボード' },
  { href: 'office.html', key: 'office', text: '審査・支払' },
];

const LIVE = { open: 'ライブ更新中', connecting: '接続中…', retrying: '再接続中…' };

export function Header({ user, active, live }) {
  return html`
    <header class="top">
      <a class="skip" href="#main">本文へ移動</a>
      <span class="brand">roadside <span class="brand-sub">ロードサービス受付</span></span>
      <nav aria-label="メインメニュー">
        <ul>
          ${NAV.filter((n) => WORK[n.key].roles.includes(user.role)).map((n) => html`
            <li><a href=${n.href} aria-current=${n.key === active ? 'page' : undefined}>${n.text}</a></li>`)}
        </ul>
      </nav>
      ${live && html`<span class=${'live live-' + live} role="status">${LIVE[live] || live}</span>`}
      <span class="who">${user.name || user.login}<span class="role">${ja.roles[user.role] || user.role}</span></span>
      <button type="button" class="link-button" onClick=${signOut}>サインアウト</button>
    </header>`;
}

// GOV.UK-style: a box at the top listing each problem, each a link to its field; focused when it
// appears so that a screen reader and the keyboard land on it.
// `autoFocus` false for problems found while the person types (a lookup, a live check): those must
// never take the cursor away from the field being typed in.
export function ErrorSummary({ items, title = '入力内容を確認してください', autoFocus = true }) {
  const ref = useRef(null);
  useEffect(() => { if (autoFocus && items && items.length && ref.current) ref.current.focus(); }, [items]);
  if (!items || !items.length) return null;
  return html`
    <div class="error-summary" role="alert" tabindex="-1" ref=${ref} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">${title}</h2>
      <ul>${items.map((i) => html`<li>${i.href ? html`<a href=${i.href}>${i.text}</a>` : i.text}</li>`)}</ul>
    </div>`;
}

// The message under a field, when the summary names it.
export function FieldError({ items, field }) {
  const hit = items && items.find((i) => i.field === field);
  return hit ? html`<p class="field-error" id=${'err-' + field}>${hit.text}</p>` : null;
}

// A reason line: the sentence, then the clause in small type (the server's citation when it sends
// one: it is the authority; the dictionary's otherwise).
export function ReasonLine({ entry, details, serverClause, fallback }) {
  const text = entry ? (typeof entry.text === 'function' ? entry.text(details || {}) : entry.text) : fallback;
  const clause = serverClause || (entry && entry.clause);
  return html`<li><span class="reason-text">${text}</span>${clause && html` <small class="clause">— ${clause}</small>`}</li>`;
}
