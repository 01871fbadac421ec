// サインイン: login and password → the session cookie (HttpOnly, SameSite=Strict) and the CSRF
// token; then back to the page the person came from, or the one their role starts on.
import { html, render, useState, useRef, useEffect } from '../shared/ui.js';
import { post, get, errorSummary } from '../shared/api.js';
import { ErrorSummary, FieldError, SESSION_PATH } from './shell.js';
import * as ja from './ja.js';

// Only a path on this server: never an address elsewhere ("//host", "https:").
export function safeNext(raw) {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return null;
  return raw;
}

function landing(user) {
  const next = safeNext(new URLSearchParams(location.search).get('next'));
  if (next) return next;
  return user && user.role === 'reviewer' ? 'office.html' : './';
}

function SignIn() {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const items = [];
    if (!login.trim()) items.push({ field: 'login', text: 'ログインIDを入力してください', href: '#f-login' });
    if (!password) items.push({ field: 'password', text: 'パスワードを入力してください', href: '#f-password' });
    setErrors(items);
    if (items.length) return;
    setBusy(true);
    try {
      const r = await post('/v1/staff/sessions', { login: login.trim(), password });
      location.assign(landing(r.user));
    } catch (err) {
      setPassword('');
      setErrors(errorSummary(err, ja, { login: ja.fieldLabels.login, password: ja.fieldLabels.password }));
    } finally { setBusy(false); }
  };
  const invalid = (f) => (errors.some((i) => i.field === f) ? 'true' : undefined);
  return html`
    <main id="main" class="signin">
      <h1>roadside <span class="brand-sub">ロードサービス受付</span></h1>
      <${ErrorSummary} items=${errors} title="サインインできません" />
      <form onSubmit=${submit} novalidate>
        <div class="field"><label for="f-login">ログインID</label>
          <input id="f-login" name="username" autocomplete="username" autofocus value=${login} aria-invalid=${invalid('login')} onInput=${(e) => setLogin(e.target.value)} />
          <${FieldError} items=${errors} field="login" /></div>
        <div class="field"><label for="f-password">パスワード</label>
          <input id="f-password" name="password" type="password" autocomplete="current-password" value=${password} aria-invalid=${invalid('password')} onInput=${(e) => setPassword(e.target.value)} />
          <${FieldError} items=${errors} field="password" /></div>
        <button type="submit" class="primary" disabled=${busy}>サインイン</button>
      </form>
      <p class="hint">受付担当・審査担当・管理者のアカウントでサインインします。</p>
    </main>`;
}

// Already signed in: go straight on.
get(SESSION_PATH).then((s) => location.replace(landing(s.user)), () => render(html`<${SignIn} />`, document.getElementById('app')));
