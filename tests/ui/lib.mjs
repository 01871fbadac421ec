// The ui label's harness: a database of its own in the throwaway cluster
// (ROADSIDE_TEST_DATABASE_URL), the real server binary on a free loopback port with the demo
// data, staff users made through the API, and Debian's /usr/bin/chromium driven by
// playwright-core (never a downloaded browser; a fresh temporary profile on every launch).
// Every request a page makes is recorded, and each scenario can run axe-core on what it shows.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
export const SOURCE = process.env.ROADSIDE_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const BIN = process.env.ROADSIDE_UI_BIN || path.join(process.env.ROADSIDE_BIN_DIR || path.join(SOURCE, 'build/bin'), 'roadside');
export const ADMIN_TOKEN = 'ui-admin-token-0123456789abcdef';
export const CHROMIUM = process.env.ROADSIDE_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=ja-JP'];

export function fail(message) { throw new Error(message); }
export function assert(cond, message) { if (!cond) throw new Error('assertion failed: ' + message); }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- database and server ---------------------------------------------------------------------

export function createDatabase(tag) {
  const base = process.env.ROADSIDE_TEST_DATABASE_URL;
  if (!base) fail('ROADSIDE_TEST_DATABASE_URL is not set: run the ui tests through scripts/test.sh');
  const name = `ui_${tag}_${process.pid}_${Date.now() % 100000}`;
  execFileSync('psql', [base, '-qAtc', `CREATE DATABASE ${name}`]);
  const url = /dbname=\S+/.test(base) ? base.replace(/dbname=\S+/, 'dbname=' + name) : `${base} dbname=${name}`;
  return {
    name, url,
    drop() { try { execFileSync('psql', [base, '-qAtc', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]); } catch { /* best effort */ } },
  };
}

function serverEnv(dbUrl, extra = {}) {
  return { ...process.env, ROADSIDE_DATABASE_URL: dbUrl, ROADSIDE_ADMIN_TOKEN: ADMIN_TOKEN, ROADSIDE_LISTEN: '127.0.0.1:0',
    ROADSIDE_CONFIG_DIR: path.join(SOURCE, 'config'), ROADSIDE_WEB_DIR: path.join(SOURCE, 'web'), ...extra };
}

export function loadDemoData(dbUrl, count = 300) {
  execFileSync(BIN, ['demo-data', String(count)], { env: serverEnv(dbUrl), stdio: ['ignore', 'pipe', 'pipe'] });
}

// `roadside serve`; resolves when it prints the address it listens on.
export function startServer(dbUrl, extra = {}) {
  const child = spawn(BIN, ['serve'], { env: serverEnv(dbUrl, extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; if (log.length > 1e6) log = log.slice(-5e5); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('server did not start:\n' + log)); }, 90000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1], child, log: () => log,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done(child.exitCode);
            child.once('exit', (code) => done(code));
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 20000).unref();
          }),
        });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited (${code}):\n${log}`)); });
  });
}

// --- the API, as a program (bearer tokens) -----------------------------------------------------

export async function api(base, method, p, body, token = ADMIN_TOKEN, headers = {}) {
  const res = await fetch(base + p, {
    method, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

export async function must(base, method, p, body, token, expect = [200, 201, 204]) {
  const r = await api(base, method, p, body, token);
  if (!expect.includes(r.status)) fail(`${method} ${p} → ${r.status} ${r.text}`);
  return r.json;
}

// Staff users are made here, through the admin API, by every scenario that needs them: a ui test
// never depends on accounts that happen to exist, and one that cannot make them fails (no skips).
export async function createUser(base, login, role, password = 'correct horse battery staple') {
  const name = { agent: '受付 花子', reviewer: '審査 太郎', admin: '管理 一郎' }[role] + ` (${login})`;
  await must(base, 'POST', '/v1/users', { login, name, role, password }, ADMIN_TOKEN, [201]);
  return { login, password, role };
}

export async function partnerToken(base, partnerId) {
  return (await must(base, 'POST', '/v1/tokens', { role: 'partner', partner_id: partnerId, label: 'ui test partner' })).token;
}

// The demo contracts, with their verdict today at a point near home.
export async function demoContracts(base, n = 60) {
  const out = [];
  for (let i = 1; i <= n; i++) {
    const no = `DEMO-${String(i).padStart(5, '0')}`;
    const c = (await must(base, 'GET', `/v1/contracts?contract_no=${no}`)).contracts[0];
    const v = await must(base, 'POST', '/v1/coverage/check', { contract_no: no, location: { lat: c.home.lat + 0.1, lon: c.home.lon + 0.1 } });
    out.push({ ...c, verdict: v });
  }
  return out;
}

// "品川 300 あ 1234" → "品川　３００　あ　１２３４" (what a caller's paper or an IME gives).
export function fullWidth(s) {
  return [...s].map((ch) => (ch === ' ' ? '\u3000' : ch >= '!' && ch <= '~' ? String.fromCharCode(ch.charCodeAt(0) + 0xFEE0) : ch)).join('');
}

// A small real PNG (a wavy stroke on white): a drawn signature, or a receipt's photo.
export function pngImage(w = 200, h = 80) {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (buf) => { let c = 0xFFFFFFFF; for (const b of buf) c = crcTable[(c ^ b) & 0xFF] ^ (c >>> 8); return (c ^ 0xFFFFFFFF) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + w * 3, 255);
    row[0] = 0;
    for (let x = 10; x < w - 10; x++) if (Math.abs(y - (h / 2 + Math.sin(x / 12) * h / 4)) < 2) row.fill(0, 1 + x * 3, 4 + x * 3);
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

// --- the browser ---------------------------------------------------------------------------------

export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function newPage(browser, origin, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', acceptDownloads: true, ...options });
  const page = await context.newPage();
  const record = { requests: [], offsite: [], consoleErrors: [], navigations: 0 };
  const allowed = new Set([new URL(origin).origin]);
  page.on('request', (r) => {
    const u = r.url();
    record.requests.push(u);
    if (u.startsWith('data:') || u.startsWith('blob:') || u === 'about:blank') return;
    if (!allowed.has(new URL(u).origin)) record.offsite.push(u);
  });
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) record.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => record.consoleErrors.push('pageerror: ' + e.message));
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) record.navigations++; });
  page.record = record;
  page.allowOrigin = (o) => allowed.add(new URL(o).origin);
  return page;
}

export async function signIn(page, base, user) {
  await page.goto(base + '/console/signin.html');
  await page.fill('#f-login', user.login);
  await page.fill('#f-password', user.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('signin.html')), page.press('#f-password', 'Enter')]);
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// axe-core on the page as it is now; returns the serious and critical violations. The script is
// evaluated through the debugging protocol, which the page's CSP does not govern.
export async function axe(page, label) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

const SHOTS = process.env.ROADSIDE_SCREENSHOTS || path.join(os.tmpdir(), 'roadside-ui-screenshots');
export async function screenshot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name + '.png') });
}

// Waits until fn() is truthy; returns the milliseconds it took.
export async function within(ms, fn, what) {
  const start = Date.now();
  for (;;) {
    if (await fn()) return Date.now() - start;
    if (Date.now() - start > ms) fail(`not within ${ms} ms: ${what}`);
    await sleep(25);
  }
}

// --- a tiny runner: each scenario a step; a summary line ctest's log can be read by ---------------

export async function run(name, steps) {
  let passed = 0, failed = 0;
  const started = Date.now();
  for (const [title, fn] of steps) {
    const t = Date.now();
    try {
      await fn();
      passed++;
      console.log(`ok   ${title} (${Date.now() - t} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${title}: ${e.stack || e}`);
      break;  // later steps build on earlier ones
    }
  }
  const skipped = steps.length - passed - failed;
  console.log(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed === 0 && skipped === 0;
}
