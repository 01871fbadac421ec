// An agent's shift, as the agent sees it: sign in; find a demo contract by a FULL-WIDTH plate;
// a not-covered verdict with its clause, then a covered one; the caller's identity checked (a
// mismatch is a note, never a refusal); the location link sent, its QR code shown, and the
// caller's position arriving live into the form and the verdict; an accident referred to the
// motor insurer; the designated shops, 一時保管 and a plain (paid) destination; record the call;
// dispatch a tow; the tracking link; the completion with the customer's signature; a
// cancellation that asks who asked and says whether it is charged.
// A partner accepts through the API and the agent's timeline and board change within 2 s, with no
// reload; the same event through a second server on the same database; every request stays on
// the server's origin; axe-core finds nothing serious on any page shown.
import jsQR from 'jsqr';
import { createDatabase, loadDemoData, startServer, createUser, demoContracts, fullWidth, launchBrowser, newPage,
  signIn, axe, screenshot, within, run, assert, must, partnerToken, api, pngImage } from './lib.mjs';

const LIVE_MS = 2000;

// The QR code as drawn (one "M x y h1v1h-1z" square per dark module), scaled up into pixels and
// read by jsQR, as a phone's camera would.
function decodeQr([size, d]) {
  const scale = 4, w = size * scale;
  const rgba = new Uint8ClampedArray(w * w * 4).fill(255);
  for (const [, x, y] of d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) {
      const i = ((Number(y) * scale + dy) * w + Number(x) * scale + dx) * 4;
      rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
    }
  }
  const r = jsQR(rgba, w, w);
  return r && r.data;
}

const db = createDatabase('agent');
let a, b, browser, agent, page, board, boardB, covered, notCovered, limited, incidentId, job, ptoken;
const violations = [];

const ok = await run('ui agent', [
  ['servers with demo data and an agent', async () => {
    loadDemoData(db.url);
    [a, b] = await Promise.all([startServer(db.url), startServer(db.url)]);
    agent = await createUser(a.url, 'agent1', 'agent');
    const list = await demoContracts(a.url);
    // A covered car at home near Tokyo (many partners; the breakdown 10 km north-west is on land).
    const tokyo = (c) => Math.hypot(c.home.lat - 35.69, c.home.lon - 139.69);
    covered = list.filter((c) => c.verdict.eligible && c.vehicle.plate.split(' ').length === 4).sort((x, y) => tokyo(x) - tokyo(y))[0];
    notCovered = list.find((c) => !c.verdict.eligible && ['in_deductible_period', 'coverage_expired'].includes(c.verdict.reasons[0].code));
    limited = list.find((c) => c.verdict.eligible && (c.verdict.notes || []).some((n) => n.code === 'mileage_unverified'));
    assert(covered && notCovered && limited, 'the demo data has a covered, a not-covered and a distance-limited contract');
    browser = await launchBrowser();
  }],
  ['the agent signs in', async () => {
    page = await newPage(browser, a.url);
    await page.goto(a.url + '/console/');
    await page.waitForURL(/signin\.html/);
    violations.push(...await axe(page, 'sign-in'));
    await screenshot(page, 'signin');
    await signIn(page, a.url, agent);
    await page.waitForSelector('#f-plate');
    assert(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'f-plate', 'the plate field has the focus');
  }],
  ['a full-width plate finds a not-covered contract: 対象外 with its clause', async () => {
    await page.keyboard.type(fullWidth(notCovered.vehicle.plate));
    await page.keyboard.press('Enter');
    await page.waitForSelector('.verdict-ng');
    const text = await page.textContent('[data-testid=verdict]');
    assert(text.includes('対象外'), 'says 対象外: ' + text);
    const clause = { in_deductible_period: '免責期間', coverage_expired: '保証期間' }[notCovered.verdict.reasons[0].code];
    assert(text.includes(clause), `names the clause ${clause}: ${text}`);
    assert((await page.textContent('[data-testid=contract-no]')) === notCovered.contract_no, 'the card shows the contract');
    violations.push(...await axe(page, 'intake, not covered'));
    await screenshot(page, 'intake-not-covered');
  }],
  ['a distance limit without an odometer reading: a note says what to ask, and the reading clears it', async () => {
    await page.fill('#f-plate', '');
    await page.type('#f-plate', limited.contract_no);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=contract-no]:text("${limited.contract_no}")`);
    await page.waitForFunction(() => /メーターの現在の走行距離をお尋ね/.test(document.querySelector('[data-testid=verdict] .notes')?.textContent || ''));
    assert(await page.$('.verdict-ok'), 'the note never makes it not covered');
    await page.fill('#f-odometer_km', String(limited.odometer_at_start_km ?? limited.vehicle.odometer_at_start_km ?? 10000));
    await page.waitForFunction(() => !document.querySelector('[data-testid=verdict] .notes'));
    await page.fill('#f-odometer_km', '');
  }],
  ['then a covered one: 対象, the distance and 遠方トラブルサポート', async () => {
    await page.fill('#f-plate', '');
    await page.type('#f-plate', fullWidth(covered.vehicle.plate));
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[data-testid=contract-no]:text("${covered.contract_no}")`);
    await page.waitForSelector('.verdict-ok');
    await page.fill('#f-location-lat', String((covered.home.lat + 0.5).toFixed(5)));
    await page.fill('#f-location-lon', String((covered.home.lon - 0.5).toFixed(5)));
    await page.waitForFunction(() => /\d+\.\d km/.test(document.querySelector('[data-testid=distance]').textContent));
    const remote = await page.textContent('[data-testid=remote]');
    assert(remote.includes('対象外'), 'a breakdown near home is not remote: ' + remote);
  }],
  ['the caller\'s identity: a mismatch is a note on a covered verdict, then it matches (第3条(1))', async () => {
    await page.fill('#f-caller-name', '佐藤 次郎');
    await page.fill('#f-caller-holder_birth_date', '1901/1/1');
    // The check follows the typing: wait for the verdict on both answers.
    await page.waitForFunction(() => /（氏名・生年月日）/.test(document.querySelector('[data-testid=verdict] .notes')?.textContent || ''));
    const text = await page.textContent('[data-testid=verdict]');
    assert(await page.$('.verdict-ok'), 'a note never makes it not covered: ' + text);
    assert(text.includes('一致しません（氏名・生年月日）') && text.includes('第3条(1)'), 'the mismatch note with its clause: ' + text);
    assert((await page.textContent('[data-testid=identity]')).includes('不一致'), 'the identity facts say 不一致');
    violations.push(...await axe(page, 'intake, identity mismatch'));
    await page.$eval('[data-testid=verdict]', (e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'intake-identity-mismatch');
    // The holder calls: the name typed in half-width with a space, the birth date the way people say it.
    const [y, m, d] = covered.holder.birth_date.split('-');
    await page.fill('#f-caller-name', covered.holder.name);
    await page.fill('#f-caller-holder_birth_date', `${y}年${Number(m)}月${Number(d)}日`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=verdict] .notes')
      && /氏名\s*一致・契約者の生年月日\s*一致/.test(document.querySelector('[data-testid=identity]').textContent), null, { timeout: 5000 })
      .catch(async (e) => { throw new Error(e.message + ': ' + await page.textContent('[data-testid=verdict]') + ' / ' + JSON.stringify(covered.holder)); });
    await page.fill('#f-caller-phone', '090-1234-5678');
  }],
  ['the location link: its URL and QR code, and the caller\'s position arrives live into the form and the verdict', async () => {
    await page.click('button:text("位置情報リンクを送る")');
    await page.waitForSelector('[data-testid=location-link] svg.qr path');
    const url = await page.inputValue('#location-link-url');
    assert(url.startsWith(a.url + '/') && /#[A-Za-z0-9_-]{16,}$/.test(url), 'a whole link with its token: ' + url);
    assert(await page.getAttribute('[data-testid=location-link] svg.qr', 'data-qr') === url, 'the QR code carries the link');
    assert(decodeQr(await page.$eval('[data-testid=location-link] svg.qr', (e) => [e.viewBox.baseVal.width, e.querySelector('path').getAttribute('d')])) === url,
      'the QR code, read by a QR reader (jsQR), is the link');
    const sent = await page.textContent('[data-testid=location-link]');
    assert(sent.includes('SMSを') && sent.includes('に送信しました'), 'sent to the caller\'s number (masked): ' + sent);
    violations.push(...await axe(page, 'intake, location link'));
    // The caller's phone, in another place: no session, only the link.
    const token = url.slice(url.lastIndexOf('#') + 1);
    const here = { lat: Number((covered.home.lat + 0.07).toFixed(5)), lon: Number((covered.home.lon - 0.06).toFixed(5)) };
    const before = await page.textContent('[data-testid=distance]');
    const t0 = Date.now();
    const r = await fetch(`${a.url}/v1/location-links/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...here, accuracy_m: 12 }) });
    assert(r.status === 204, 'the phone\'s position is taken: ' + r.status);
    await within(LIVE_MS, async () => (await page.inputValue('#f-location-lat')) === String(here.lat), 'the latitude is filled in');
    assert(await page.inputValue('#f-location-lon') === String(here.lon), 'the longitude is filled in');
    await within(LIVE_MS, async () => (await page.textContent('[data-testid=distance]')) !== before, 'the verdict is checked again for the new place');
    console.log(`  position posted → form and verdict ${Date.now() - t0} ms`);
    const state = await page.textContent('[data-testid=location-link-state]');
    assert(state.includes('受信しました') && state.includes('±12 m'), state);
    const again = await fetch(`${a.url}/v1/location-links/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...here, accuracy_m: 12 }) });
    assert(again.status === 410, 'a link answers once');
    await page.$eval('[data-testid=location-link]', (e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'intake-location-link');
  }],
  ['an accident: the agent is told plainly to refer the caller to their motor insurer', async () => {
    await page.selectOption('#f-problem', 'accident');
    const text = await page.textContent('[data-testid=accident]');
    assert(text.includes('自動車保険のロードサービス') && text.includes('第1条2(1)'), text);
    violations.push(...await axe(page, 'intake, accident'));
    await page.selectOption('#f-problem', 'breakdown');
    assert(!(await page.$('[data-testid=accident]')), 'gone for a breakdown');
  }],
  ['the call is recorded from the keyboard', async () => {
    await page.fill('#f-occupants', '2');
    await page.focus('#f-caller-phone');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.recorded');
    assert(await page.evaluate(() => document.activeElement.id) === 'f-service', 'focus moves to dispatch');
    assert(await page.inputValue('#f-service') === 'tow', 'a breakdown suggests a tow');
  }],
  ['destinations: a plain place is paid (destination_not_designated), 一時保管 is free', async () => {
    await page.waitForSelector('input[name=dest][value^="shop:"]');
    await page.click('input[name=dest][value=custom]');
    await page.fill('#f-destination-name', '自宅近くの整備工場');
    await page.fill('#f-destination-lat', String((covered.home.lat + 0.02).toFixed(5)));
    await page.fill('#f-destination-lon', String((covered.home.lon + 0.01).toFixed(5)));
    await page.waitForFunction(() => /指定工場以外への搬送は有料です/.test(document.querySelector('[data-testid=estimate]')?.textContent || ''));
    const paid = await page.textContent('[data-testid=estimate]');
    assert(paid.includes('お客様ご負担（有料）') && paid.includes('保証会社指定の工場'), 'paid, with the clause: ' + paid);
    await page.click('input[name=dest][value=storage]');
    await page.waitForFunction(() => document.querySelector('[data-testid=estimate] .fee-free'));
  }],
  ['the estimate to the nearest designated shop, then a tow dispatched: the timeline shows the offer and its countdown', async () => {
    const shops = await page.$$eval('input[name=dest][value^="shop:"]', (l) => l.map((e) => e.closest('label').textContent));
    assert(shops.length >= 1 && shops.length <= 5 && shops.every((t) => /指定工場 .+（直線 \d+\.\d km）/.test(t) && /営業/.test(t)), 'the nearest shops, distance and open now: ' + shops.join(' | '));
    await page.click('input[name=dest][value^="shop:"]');
    await page.waitForFunction(() => document.querySelector('[data-testid=estimate] .fee-free'));
    const est = await page.textContent('[data-testid=estimate]');
    assert(est.includes('無料') && est.includes('見込み搬送距離') && est.includes('お客様ご負担見込み'), est);
    await page.waitForFunction(() => document.querySelectorAll('.candidates tbody tr').length >= 1 && !document.querySelector('.candidates tbody').textContent.includes('…'));
    violations.push(...await axe(page, 'intake, estimate'));
    await page.$eval('[data-testid=estimate]', (e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'intake-estimate');
    await page.click('button:text("手配する")');
    await page.waitForSelector('[data-testid=job-status] .badge-offered');
    await page.waitForSelector('[data-testid=countdown]');
    incidentId = (await page.textContent('#timeline-title small')).replace('受付番号', '').trim();
  }],
  ['the tracking link after dispatch: its URL and QR code, and the public view answers', async () => {
    await page.click('button:text("追跡リンクを送る")');
    await page.waitForSelector('[data-testid=tracking-link] svg.qr path');
    const url = await page.inputValue('#tracking-link-url');
    const token = url.slice(url.lastIndexOf('#') + 1);
    const r = await fetch(`${a.url}/v1/track/${token}`);
    const view = await r.json();
    assert(r.status === 200 && view.status === 'dispatching', 'the public view: ' + JSON.stringify(view));
    violations.push(...await axe(page, 'intake, tracking link'));
  }],
  ['a partner accepts through the API: timeline and board change within 2 s, no reload', async () => {
    board = await newPage(browser, a.url);
    await signIn(board, a.url, agent);
    await board.goto(a.url + '/console/board.html');
    await board.waitForSelector('[data-testid=board] .row-offered');
    const jobs = (await must(a.url, 'GET', '/v1/jobs')).jobs;
    job = jobs.find((j) => j.incident_id.startsWith(incidentId) && j.status === 'offered');
    assert(job, 'the offered job is on the board API');
    ptoken = await partnerToken(a.url, job.partner_id);
    const navBefore = [page.record.navigations, board.record.navigations];
    const t0 = Date.now();
    await must(a.url, 'POST', `/v1/jobs/${job.job_id}/accept`, { eta_minutes: 25 }, ptoken);
    const tl = await within(LIVE_MS, () => page.$('[data-testid=job-status] .badge-accepted'), 'timeline shows 承諾');
    const bd = await within(LIVE_MS, () => board.$(`tr[data-job="${job.job_id}"].row-accepted`), 'board shows 承諾');
    console.log(`  accepted → timeline ${tl} ms, board ${bd} ms (from the API call: ${Date.now() - t0} ms)`);
    assert((await page.textContent('[data-testid=eta]')).includes('25分'), 'the ETA is shown');
    assert(page.record.navigations === navBefore[0] && board.record.navigations === navBefore[1], 'no page reloaded');
    violations.push(...await axe(board, 'board'));
    await page.$eval('#timeline-title', (e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'intake-timeline');
  }],
  ['an unassigned job is red on top of the board, with its reason and 再手配', async () => {
    // 父島: no partner within the dispatch radius.
    const other = (await demoContracts(a.url, 80)).filter((c) => c.verdict.eligible && c.contract_no !== covered.contract_no)[0];
    const call = await must(a.url, 'POST', '/v1/calls', { contract_no: other.contract_no, location: { lat: 27.0944, lon: 142.1917 }, problem: 'flat_tire', occupants: 1 });
    const lone = await must(a.url, 'POST', `/v1/incidents/${call.incident_id}/jobs`, { service: 'tire_change' });
    assert(lone.status === 'unassigned', 'no partner near 父島: ' + lone.status);
    await within(LIVE_MS, () => board.$(`tr[data-job="${lone.job_id}"].row-unassigned`), 'the board shows the unassigned job');
    const first = await board.getAttribute('[data-testid=board] tbody tr:first-child', 'data-job');
    assert(first === lone.job_id, 'unassigned is on top');
    const row = await board.textContent(`tr[data-job="${lone.job_id}"]`);
    assert(row.includes('半径内に対応できる協力会社がありません'), 'the reason in Japanese: ' + row);
    await board.click(`tr[data-job="${lone.job_id}"] button:text("再手配")`);
    await board.waitForTimeout(300);
    assert(!(await board.$('.error-summary')), 'the re-dispatch was accepted (it stays unassigned: still nobody near)');
    await screenshot(board, 'board');
  }],
  ['the same event through a second server', async () => {
    boardB = await newPage(browser, b.url);
    await signIn(boardB, b.url, agent);
    await boardB.goto(b.url + '/console/board.html');
    await boardB.waitForSelector(`tr[data-job="${job.job_id}"].row-accepted`);
    await must(a.url, 'POST', `/v1/jobs/${job.job_id}/status`, { status: 'en_route' }, ptoken);
    const ms = await within(LIVE_MS, () => boardB.$(`tr[data-job="${job.job_id}"].row-en_route`), 'server B shows 出動');
    await within(LIVE_MS, () => page.$('[data-testid=job-status] .badge-en_route'), 'the timeline on A shows 出動');
    console.log(`  en_route via A → board on B ${ms} ms`);
  }],
  ['completion shows the charges on the timeline', async () => {
    for (const s of ['on_scene', 'towing', 'delivered']) await must(a.url, 'POST', `/v1/jobs/${job.job_id}/status`, { status: s }, ptoken);
    await must(a.url, 'POST', `/v1/jobs/${job.job_id}/complete`, { outcome: 'towed_to_shop', tow_distance_km: 12.3, customer_signed: true, signature: pngImage(200, 80).toString('base64') }, ptoken);
    await within(LIVE_MS, () => page.$('[data-testid=job-status] .badge-completed'), 'the timeline shows 完了');
    await page.waitForSelector('table.charges');
    await page.waitForFunction(() => { const i = document.querySelector('[data-testid=signature] img'); return i && i.complete && i.naturalWidth > 0; });
    assert(!(await page.$('[data-testid=tracking-link]')), 'no tracking link for a finished job');
    const events = await page.textContent('.events');
    for (const w of ['手配', '打診', '承諾', '出動', '現着', '搬送中', '入庫', '完了']) assert(events.includes(w), `the timeline has ${w}: ${events}`);
    await page.$eval('#timeline-title', (e) => e.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'intake-completed');
  }],
  ['a cancellation asks who asked, and says whether it is charged (第2条3(7))', async () => {
    const call = await must(a.url, 'POST', '/v1/calls', { contract_no: covered.contract_no, location: { lat: covered.home.lat + 0.05, lon: covered.home.lon - 0.05 }, problem: 'battery', occupants: 1 });
    const j = await must(a.url, 'POST', `/v1/incidents/${call.incident_id}/jobs`, { service: 'jump_start' });
    assert(j.status === 'offered', 'offered: ' + j.status);
    const pt = await partnerToken(a.url, j.partner_id);
    await must(a.url, 'POST', `/v1/jobs/${j.job_id}/accept`, { eta_minutes: 20 }, pt);
    await page.goto(`${a.url}/console/?incident=${call.incident_id}`);
    await page.waitForSelector('[data-testid=job-status] .badge-accepted');
    await page.click('summary:text("この手配をキャンセルする")');
    assert((await page.textContent('[data-testid=cancel-charge]')).includes('かかりません'), 'before the truck sets out: no charge');
    await must(a.url, 'POST', `/v1/jobs/${j.job_id}/status`, { status: 'en_route' }, pt);
    await within(LIVE_MS, async () => (await page.textContent('[data-testid=cancel-charge]')).includes('キャンセル料がかかります'), 'en route, the customer asks: charged');
    await page.selectOption('#f-requested_by', 'operator');
    assert((await page.textContent('[data-testid=cancel-charge]')).includes('かかりません'), 'the operator cancels: no charge');
    await page.selectOption('#f-requested_by', 'customer');
    violations.push(...await axe(page, 'intake, cancel'));
    await page.$eval('[data-testid=cancel-charge]', (e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'intake-cancel');
    await page.fill('#f-cancel-reason', 'お客様のご都合（自力で解決）');
    await page.click('button:text("キャンセルする")');
    await page.waitForSelector('[data-testid=job-status] .badge-cancelled');
    assert((await page.textContent('[data-testid=cancelled-by]')).includes('お客様'), 'who asked is shown');
    const stored = await must(a.url, 'GET', `/v1/jobs/${j.job_id}`);
    assert(stored.cancelled_by === 'customer' && stored.charges && stored.charges.customer_yen > 0, 'charged to the customer: ' + JSON.stringify(stored.charges));
    await page.waitForFunction(() => /キャンセル料/.test(document.querySelector('.events').textContent));
  }],
  ['no request left the server\'s origin; no script errors; axe clean', async () => {
    for (const p of [page, board, boardB]) {
      assert(p.record.requests.length > 5, 'requests were recorded');
      assert(p.record.offsite.length === 0, 'off-origin requests: ' + p.record.offsite.join(', '));
      assert(p.record.consoleErrors.length === 0, 'console errors: ' + p.record.consoleErrors.join(' | '));
    }
    assert(violations.length === 0, 'axe:\n' + violations.join('\n'));
  }],
]);

if (browser) await browser.close();
for (const s of [a, b]) if (s) { const code = await s.stop(); if (code !== 0) console.log('server exit ' + code + '\n' + s.log().slice(-3000)); }
db.drop();
process.exit(ok ? 0 : 1);
