// The back office, as a reviewer sees it: a pending_review claim settled within the cap, the
// 全銀協 file for a transfer date downloaded, the claim marked paid, a partner's statement viewed
// and downloaded as CSV; an agent who opens the back office gets a clear refusal; five wrong
// passwords lead to the 429 message; the reviewer sees a claim's receipt images (issue 14 §9).
// Every request stays on the origin; axe finds nothing serious.
import fs from 'node:fs';
import { createDatabase, loadDemoData, startServer, createUser, demoContracts, launchBrowser, newPage,
  signIn, axe, screenshot, run, assert, must, partnerToken, pngImage, ADMIN_TOKEN } from './lib.mjs';

const db = createDatabase('office');
let s, browser, reviewer, agent, page, claimId, partnerId, imageClaimId, imageId, contracts;
const violations = [];

// A breakdown 150 km from home, towed free to the nearest designated shop, and a taxi claim without a receipt: the
// case a person must review (第1条3(3)).
async function remoteTow(base, contract) {
  const at = new Date(Date.now() - 3600e3).toISOString();
  const call = await must(base, 'POST', '/v1/calls', { contract_no: contract.contract_no, at,
    location: { lat: contract.home.lat + 1.35, lon: contract.home.lon }, problem: 'breakdown', occupants: 2,
    caller: { name: '山田 太郎', phone: '090-0000-0000' } });
  // The free tow that opens remote support goes to a designated shop (issue 11: a plain place is paid).
  const est = await must(base, 'POST', `/v1/incidents/${call.incident_id}/jobs/estimate`, { service: 'tow', destination: { storage: true } });
  assert(est.nearest_shops && est.nearest_shops.length, 'a designated shop near the breakdown');
  const job = await must(base, 'POST', `/v1/incidents/${call.incident_id}/jobs`, { service: 'tow', destination: { shop_id: est.nearest_shops[0].shop_id } });
  assert(job.status === 'offered', 'the tow is offered: ' + JSON.stringify(job));
  partnerId = job.partner_id;
  const pt = await partnerToken(base, job.partner_id);
  await must(base, 'POST', `/v1/jobs/${job.job_id}/accept`, { eta_minutes: 30 }, pt);
  for (const st of ['en_route', 'on_scene', 'towing', 'delivered']) await must(base, 'POST', `/v1/jobs/${job.job_id}/status`, { status: st }, pt);
  await must(base, 'POST', `/v1/jobs/${job.job_id}/complete`, { outcome: 'towed_to_shop', tow_distance_km: 8.2, customer_signed: true }, pt);
  return call;
}

async function pendingClaim(base, contract) {
  const call = await remoteTow(base, contract);
  const claim = await must(base, 'POST', '/v1/claims', { incident_id: call.incident_id, benefit: 'taxi', persons: 2,
    used_at: new Date(Date.now() - 1800e3).toISOString(), receipts: [], no_receipt_reason: '運転手が領収書を発行できなかった',
    bank_account: { bank_code: '0001', branch_code: '001', type: 'ordinary', number: '1234567', holder_kana: 'ヤマダ　タロウ' } });
  assert(claim.decision === 'pending_review', 'the claim waits for review: ' + JSON.stringify(claim));
  return claim.claim_id;
}

const ok = await run('ui office', [
  ['a server, a reviewer, an agent and a claim waiting for review', async () => {
    loadDemoData(db.url);
    s = await startServer(db.url);
    reviewer = await createUser(s.url, 'reviewer1', 'reviewer');
    agent = await createUser(s.url, 'agent2', 'agent');
    contracts = (await demoContracts(s.url, 40)).filter((c) => c.verdict.eligible && c.home.lat < 43);
    claimId = await pendingClaim(s.url, contracts[0]);
    browser = await launchBrowser();
  }],
  ['the reviewer settles the claim within the cap', async () => {
    page = await newPage(browser, s.url);
    await signIn(page, s.url, reviewer);
    await page.waitForURL(/office\.html/);
    await page.waitForSelector('[data-testid=claims] tbody tr button');
    violations.push(...await axe(page, 'office: claims'));
    await page.click(`button[aria-label^="申請 ${claimId.slice(0, 8)}"]`);
    await page.waitForSelector('[data-testid=claim-detail]');
    const detail = await page.textContent('[data-testid=claim-detail]');
    assert(detail.includes('領収書はありません') && detail.includes('運転手が領収書を発行できなかった'), detail);
    await page.fill('#f-approved_yen', '20000');
    await page.click('button:text("審査を確定")');
    await page.waitForSelector('.error-summary');
    assert((await page.textContent('.error-summary')).includes('¥10,000'), 'over the taxi cap is refused before sending');
    await screenshot(page, 'office-claim');
    await page.fill('#f-approved_yen', '8000');
    await page.click('button:text("審査を確定")');
    await page.waitForSelector('.recorded:text("承認しました")');
    violations.push(...await axe(page, 'office: claim settled'));
  }],
  ['the reviewer sees a claim\'s receipt images (uploaded, re-encoded, served to staff)', async () => {
    const other = contracts[1];
    const call = await remoteTow(s.url, other);
    const up = await fetch(`${s.url}/v1/receipt-images?contract_id=${other.id}`, { method: 'POST', body: pngImage(320, 200),
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'image/png' } });
    const image = await up.json();
    assert(up.status === 201 && image.image_id, 'the photo is stored: ' + up.status + ' ' + JSON.stringify(image));
    imageId = image.image_id;
    const claim = await must(s.url, 'POST', '/v1/claims', { incident_id: call.incident_id, benefit: 'taxi', persons: 1,
      used_at: new Date(Date.now() - 1800e3).toISOString(),
      receipts: [{ kind: 'taxi_fare', issuer: '日本交通', issued_on: new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10), amount_yen: 6400, image_id: imageId }],
      bank_account: { bank_code: '0001', branch_code: '001', type: 'ordinary', number: '7654321', holder_kana: 'スズキ　ハナコ' } });
    imageClaimId = claim.claim_id;
    await page.selectOption('#f-claims-decision', claim.decision);
    await page.click(`button[aria-label^="申請 ${imageClaimId.slice(0, 8)}"]`);
    await page.waitForSelector('[data-testid=claim-detail] [data-testid=receipt-image] img');
    await page.waitForFunction(() => { const i = document.querySelector('[data-testid=receipt-image] img'); return i.complete && i.naturalWidth === 320; });
    const detail = await page.textContent('[data-testid=claim-detail]');
    assert(detail.includes('日本交通') && detail.includes('判定:'), 'the decided claim, no review form: ' + detail);
    assert(!(await page.$('[data-testid=claim-detail] form')), 'a decided claim is not reviewed again');
    violations.push(...await axe(page, 'office: receipt images'));
    await screenshot(page, 'office-receipt-images');
    await page.selectOption('#f-claims-decision', 'pending_review');
  }],
  ['the payout is listed, the 全銀協 file downloaded, the claim marked paid', async () => {
    await page.click('#tab-payouts');
    const row = `[data-testid=payouts] tr:has-text("${claimId.slice(0, 8)}")`;
    await page.waitForSelector(row);
    assert((await page.textContent(row)).includes('¥8,000'), 'the approved amount');
    await page.check(`${row} input[type=checkbox]`);
    await screenshot(page, 'office-payouts');
    violations.push(...await axe(page, 'office: payouts'));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("ファイルを作成")')]);
    const file = fs.readFileSync(await download.path());
    assert(file.length >= 120 * 3 && file[0] === 0x31, `a Zengin file starts with its header record (${file.length} bytes)`);
    assert(file.includes(Buffer.from('8000'.padStart(10, '0'))), 'the file carries the amount');
    await page.waitForSelector('[data-testid=payout-message]');
    await page.click(`${row} button:has-text("支払済にする")`);
    await page.waitForSelector('[data-testid=payout-message]:has-text("支払済にしました")');
    await page.waitForSelector(row, { state: 'detached' });
  }],
  ['a partner statement is viewed and downloaded as CSV', async () => {
    await page.click('#tab-statements');
    const partner = await must(s.url, 'GET', `/v1/partners/${partnerId}`);
    await page.fill('#f-pfilter', partner.name);
    await page.waitForSelector(`#f-partner option[value="${partnerId}"]`, { state: 'attached' });
    await page.selectOption('#f-partner', partnerId);
    await page.click('button:text("表示")');
    await page.waitForSelector('[data-testid=statement] tbody tr');
    assert((await page.textContent('[data-testid=statement]')).includes('工場へ搬送'), 'the tow is on the statement');
    violations.push(...await axe(page, 'office: statements'));
    await screenshot(page, 'office-statements');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:text("CSVをダウンロード")')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    assert(csv.split('\n').length >= 2, 'the CSV has a header and the job: ' + csv);
  }],
  ['an agent opening the back office gets a clear refusal', async () => {
    const p = await newPage(browser, s.url);
    await signIn(p, s.url, agent);
    await p.goto(s.url + '/console/office.html');
    await p.waitForSelector('[data-testid=refusal]');
    const text = await p.textContent('[data-testid=refusal]');
    assert(text.includes('審査担当') && text.includes('利用できません'), text);
    assert(!(await p.$('[data-testid=claims]')), 'no claims are shown');
    const direct = await p.evaluate(async () => (await fetch('/v1/payouts?due_before=2099-12-31')).status);
    assert(direct === 403, 'the server refuses too: ' + direct);
    violations.push(...await axe(p, 'office: refusal'));
    await screenshot(p, 'office-refusal');
    assert(p.record.offsite.length === 0, p.record.offsite.join());
  }],
  ['five wrong passwords lead to the 429 message', async () => {
    const p = await newPage(browser, s.url);
    await p.goto(s.url + '/console/signin.html');
    let text = '';
    for (let i = 1; i <= 6 && !text.includes('試行回数'); i++) {
      await p.fill('#f-login', 'agent2');
      await p.fill('#f-password', 'wrong password ' + i);
      const answered = p.waitForResponse((r) => r.url().endsWith('/v1/staff/sessions') && r.request().method() === 'POST', { timeout: 30000 });
      await p.press('#f-password', 'Enter');
      const status = (await answered).status();
      await p.waitForFunction(() => !document.querySelector('button[type=submit]').disabled);
      text = await p.textContent('.error-summary');
      console.log(`  attempt ${i}: ${status}`);
      if (i < 5) assert(status === 401 && text.includes('ログインIDまたはパスワードが正しくありません'), `attempt ${i}: ${status} ${text}`);
    }
    assert(text.includes('試行回数が上限を超えました'), 'the 429 message: ' + text);
    violations.push(...await axe(p, 'sign-in, locked'));
    await screenshot(p, 'signin-locked');
  }],
  ['every request stayed on the origin; no script errors; axe clean', async () => {
    assert(page.record.offsite.length === 0, page.record.offsite.join());
    assert(page.record.consoleErrors.length === 0, page.record.consoleErrors.join(' | '));
    assert(violations.length === 0, 'axe:\n' + violations.join('\n'));
  }],
]);

if (browser) await browser.close();
if (s) { const code = await s.stop(); if (code !== 0) console.log('server exit ' + code + '\n' + s.log().slice(-3000)); }
db.drop();
process.exit(ok ? 0 : 1);
