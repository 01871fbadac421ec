// TEMPORARY (not committed): pages against the bearer API before staff sign-in lands.
import { chromium } from 'playwright-core';
const base = process.argv[2], role = process.argv[3] || 'agent', script = process.argv[4];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--lang=ja-JP'] });
const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
await context.route('**/v1/**', async (route) => {
  const url = new URL(route.request().url());
  if (url.pathname === '/v1/staff/sessions/current') return route.fulfill({ json: { user: { login: 'dev', name: '開発 花子', role }, csrf_token: 'x' } });
  if (url.pathname === '/v1/events') return route.fulfill({ status: 404, body: '' });
  return route.continue({ headers: { ...route.request().headers(), authorization: 'Bearer dev-admin-token-0123456789' } });
});
const page = await context.newPage();
page.on('console', (m) => console.log('console', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror', e.message));
const mod = await import(script);
await mod.default(page, base);
await browser.close();
