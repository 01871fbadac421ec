// 審査・支払 (reviewer and admin): the claims waiting for review, the payouts due by お支払い期限
// (overdue first), the 全銀協 transfer file, 支払済, and partner statements by month. An agent who
// opens this page is told plainly that it is not theirs.
import { html, useState, useEffect, useCallback } from '../shared/ui.js';
import { get, post, query, download, errorSummary, ApiError } from '../shared/api.js';
import { yen, day, todayJst, shortTime } from '../shared/format.js';
import { startPage, Header, ErrorSummary, FieldError, ReasonLine } from './shell.js';
import * as ja from './ja.js';

// 第1条3: the benefit caps (per vehicle, or per person for public transport and hotel).
const CAP_YEN = { taxi: 10000, rental_car: 10000, public_transport: 20000, hotel: 15000, post_repair_transport: 50000 };
const PER_PERSON = ['public_transport', 'hotel'];
export const capOf = (claim) => CAP_YEN[claim.benefit] * (PER_PERSON.includes(claim.benefit) ? Math.max(1, claim.persons_counted || claim.persons || 1) : 1);

// The receipt's photo (issue 14 §9: re-encoded, no metadata), opened full size in a new tab.
// A PDF receipt is not an image: its link is shown instead.
function ReceiptImage({ id, n }) {
  const [broken, setBroken] = useState(false);
  if (!id) return html`<span class="hint">なし</span>`;
  const src = '/v1/receipt-images/' + encodeURIComponent(id);
  return html`<a href=${src} target="_blank" rel="noopener" class="receipt-image" data-testid="receipt-image">
    ${broken ? `領収書${n}を開く` : html`<img src=${src} alt=${`領収書${n}の画像（クリックで拡大）`} loading="lazy" onError=${() => setBroken(true)} />`}</a>`;
}

// Which receipts excluded_items names, and why: {index: [cause…]}.
export function exclusions(claim) {
  const out = {};
  for (const r of claim.reasons || []) {
    if (r.code !== 'excluded_items') continue;
    for (const [cause, list] of Object.entries(r.details || {})) {
      if (!ja.receiptExclusions[cause] || typeof list !== 'string') continue;
      for (const i of list.split(',').map((x) => Number(x.trim())).filter(Number.isInteger)) (out[i] = out[i] || []).push(cause);
    }
  }
  return out;
}

function ClaimDetail({ claim, onDone }) {
  const [decision, setDecision] = useState('approved');
  const [amount, setAmount] = useState(String(Math.min(capOf(claim), (claim.receipts || []).reduce((s, r) => s + (r.amount_yen || 0), 0) || capOf(claim))));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const why = exclusions(claim);
  const cap = capOf(claim);
  const submit = async (e) => {
    e.preventDefault();
    const yenValue = decision === 'rejected' ? 0 : Number(amount);
    if (decision !== 'rejected' && !(Number.isInteger(yenValue) && yenValue >= 1 && yenValue <= cap)) {
      setErrors([{ field: 'approved_yen', text: `承認額: 1〜${yen(cap)}の整数で入力してください`, href: '#f-approved_yen' }]);
      return;
    }
    setBusy(true);
    try {
      await post(`/v1/claims/${encodeURIComponent(claim.claim_id)}/review`, { decision, approved_yen: yenValue, note });
      onDone(`申請を${ja.decisions[decision]}しました`);
    } catch (err) { setErrors(errorSummary(err, ja, ja.fieldLabels)); } finally { setBusy(false); }
  };
  return html`<section class="panel" aria-labelledby="claim-title" data-testid="claim-detail">
    <h2 id="claim-title">申請 ${claim.claim_id.slice(0, 8)} ・ ${ja.benefits[claim.benefit] || claim.benefit}（${claim.persons}名${claim.persons_counted !== claim.persons ? `、算定${claim.persons_counted}名` : ''}）</h2>
    <${ErrorSummary} items=${errors} />
    <p>利用日時 ${shortTime(claim.used_at)} ・ 受付日 ${day(claim.received_on)} ・ 請求期限 ${day(claim.last_day_to_claim)}</p>
    ${claim.no_receipt_reason && html`<p><strong>領収書なしの理由:</strong> ${claim.no_receipt_reason}</p>`}
    <table><caption>領収書</caption>
      <thead><tr><th scope="col">#</th><th scope="col">種類</th><th scope="col">発行者</th><th scope="col">発行日</th><th scope="col" class="num">金額</th><th scope="col">算入</th><th scope="col">画像</th></tr></thead>
      <tbody>${(claim.receipts || []).map((r, i) => html`<tr><td>${i + 1}</td><td>${ja.receiptKinds[r.kind] || r.kind}</td><td>${r.issuer}</td><td>${day(r.issued_on)}</td>
        <td class="num">${yen(r.amount_yen)}</td><td>${r.counted ? html`<span class="counted-yes">算入</span>`
          : html`<span class="counted-no">不算入</span> ${(why[i] || []).map((c) => ja.receiptExclusions[c]).join('・')}`}</td>
        <td><${ReceiptImage} id=${r.image_id} n=${i + 1} /></td></tr>`)}
        ${!(claim.receipts || []).length && html`<tr><td colspan="7">領収書はありません</td></tr>`}</tbody></table>
    ${(claim.reasons || []).length > 0 && html`<h3>判定の理由</h3><ul class="reasons">${claim.reasons.map((r) => html`<${ReasonLine} entry=${ja.claimReasons[r.code]} details=${r.details} serverClause=${r.clause} fallback=${r.message} />`)}</ul>`}
    ${claim.decision !== 'pending_review' && html`<p data-testid="claim-decided"><strong>判定: ${ja.decisions[claim.decision] || claim.decision}</strong>
      ${claim.approved_yen ? ` ${yen(claim.approved_yen)}` : ''}${claim.pay_by ? `・お支払い期限 ${day(claim.pay_by)}` : ''}</p>`}
    ${claim.decision === 'pending_review' && html`<form onSubmit=${submit} novalidate>
      <fieldset><legend>審査</legend>
        ${['approved', 'partially_approved', 'rejected'].map((d) => html`<label class="check"><input type="radio" name="decision" value=${d} checked=${decision === d} onChange=${() => setDecision(d)} /> ${ja.decisions[d]}</label>`)}
      </fieldset>
      <div class="row">
        <div class="field"><label for="f-approved_yen">承認額（円） <small>上限 ${yen(cap)}</small></label>
          <input id="f-approved_yen" inputmode="numeric" value=${decision === 'rejected' ? '0' : amount} disabled=${decision === 'rejected'} onInput=${(e) => setAmount(e.target.value)} />
          <${FieldError} items=${errors} field="approved_yen" /></div>
        <div class="field grow"><label for="f-note">審査メモ</label><input id="f-note" value=${note} onInput=${(e) => setNote(e.target.value)} /></div>
      </div>
      <button type="submit" class="primary" disabled=${busy}>審査を確定</button>
    </form>`}
  </section>`;
}

// The queue is what waits for a person; the other decisions can be opened too, to see a claim's
// receipts and their images (a claim with receipts is decided by the rules at once).
const QUEUE_FILTERS = [['pending_review', '審査待ち'], ['approved', '承認'], ['partially_approved', '一部承認'], ['rejected', '否認'], ['', 'すべて']];

function Claims() {
  const [claims, setClaims] = useState(null);
  const [which, setWhich] = useState('pending_review');
  const [open, setOpen] = useState(null);
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState([]);
  const load = useCallback(async () => {
    try { setClaims((await get('/v1/claims' + query({ decision: which || undefined, limit: 200 }))).claims); } catch (e) { setErrors(errorSummary(e, ja)); }
  }, [which]);
  useEffect(() => { load(); }, [which]);
  const openClaim = async (id) => { try { setOpen(await get('/v1/claims/' + encodeURIComponent(id))); setMessage(''); } catch (e) { setErrors(errorSummary(e, ja)); } };
  return html`<div class="split">
    <section aria-labelledby="queue-title">
      <h2 id="queue-title">${which === 'pending_review' ? '審査待ちの申請' : '申請'}</h2>
      <div class="field narrow-select"><label for="f-claims-decision">判定で絞り込み</label>
        <select id="f-claims-decision" value=${which} onChange=${(e) => { setWhich(e.target.value); setOpen(null); }}>
          ${QUEUE_FILTERS.map(([k, t]) => html`<option value=${k}>${t}</option>`)}</select></div>
      <${ErrorSummary} items=${errors} />
      ${message && html`<p class="recorded" role="status">${message}</p>`}
      <table data-testid="claims"><thead><tr><th scope="col">受付日</th><th scope="col">給付</th><th scope="col" class="num">申請額</th><th scope="col">判定</th><th scope="col">お支払い期限</th><th scope="col"><span class="visually-hidden">操作</span></th></tr></thead>
        <tbody>${(claims || []).map((c) => html`<tr key=${c.claim_id}><td>${day(c.received_on)}</td><td>${ja.benefits[c.benefit] || c.benefit}</td>
          <td class="num">${(c.receipts || []).length ? yen(c.receipts.reduce((s, r) => s + (r.amount_yen || 0), 0)) : '領収書なし'}</td><td>${ja.decisions[c.decision] || c.decision}</td><td>${day(c.pay_by)}</td>
          <td><button type="button" onClick=${() => openClaim(c.claim_id)} aria-label=${'申請 ' + c.claim_id.slice(0, 8) + ' を開く'}>開く</button></td></tr>`)}
          ${claims && !claims.length && html`<tr><td colspan="6">${which === 'pending_review' ? '審査待ちの申請はありません' : '該当する申請はありません'}</td></tr>`}</tbody></table>
    </section>
    ${open && html`<${ClaimDetail} key=${open.claim_id} claim=${open} onDone=${(m) => { setMessage(m); setOpen(null); load(); }} />`}
  </div>`;
}

function Payouts() {
  const [dueBefore, setDueBefore] = useState(todayJst(31));
  const [list, setList] = useState(null);
  const [total, setTotal] = useState(null);
  const [chosen, setChosen] = useState([]);
  const [transfer, setTransfer] = useState(todayJst(1));
  const [errors, setErrors] = useState([]);
  const [message, setMessage] = useState('');
  const today = todayJst();
  const load = useCallback(async () => {
    try {
      const r = await get('/v1/payouts' + query({ due_before: dueBefore, limit: 500 }));
      setList(r.payouts); setTotal(r.total_yen ?? r.payouts.reduce((s, p) => s + p.amount_yen, 0)); setErrors([]);
    } catch (e) { setErrors(errorSummary(e, ja, ja.fieldLabels)); }
  }, [dueBefore]);
  useEffect(() => { load(); }, [dueBefore]);
  const sorted = (list || []).slice().sort((a, b) => (a.pay_by < b.pay_by ? -1 : 1));
  const toggle = (id) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  const zengin = async () => {
    try {
      const q = chosen.length ? { transfer_date: transfer, claim_ids: chosen.join(',') } : { transfer_date: transfer, due_before: dueBefore };
      const f = await download('/v1/payouts/zengin' + query(q), `zengin-${transfer}.txt`, 'text/plain');
      setMessage(`全銀協ファイル ${f.name}（${f.bytes.toLocaleString()} バイト）を保存しました`); setErrors([]);
    } catch (e) { setErrors(errorSummary(e, ja, ja.fieldLabels)); }
  };
  const paid = async (p) => {
    try { await post(`/v1/payouts/${encodeURIComponent(p.claim_id)}/paid`, { paid_on: today }); setMessage(`${p.claim_id.slice(0, 8)} を支払済にしました`); load(); }
    catch (e) { setErrors(errorSummary(e, ja, ja.fieldLabels)); }
  };
  const chosenTotal = sorted.filter((p) => chosen.includes(p.claim_id)).reduce((s, p) => s + p.amount_yen, 0);
  return html`<section aria-labelledby="payouts-title">
    <h2 id="payouts-title">支払予定（お支払い期限順）</h2>
    <${ErrorSummary} items=${errors} />
    ${message && html`<p class="recorded" role="status" data-testid="payout-message">${message}</p>`}
    <div class="row"><div class="field narrow-date"><label for="f-due_before">期限が次の日まで</label>
      <input id="f-due_before" type="date" value=${dueBefore} onChange=${(e) => setDueBefore(e.target.value)} /></div></div>
    <table data-testid="payouts"><thead><tr><th scope="col"><span class="visually-hidden">選択</span></th><th scope="col">申請</th><th scope="col">給付</th><th scope="col" class="num">金額</th>
      <th scope="col">お支払い期限</th><th scope="col">振込先</th><th scope="col"><span class="visually-hidden">操作</span></th></tr></thead>
      <tbody>${sorted.map((p) => { const late = p.pay_by && p.pay_by < today; return html`<tr key=${p.claim_id} class=${late ? 'overdue' : ''}>
        <td><input type="checkbox" checked=${chosen.includes(p.claim_id)} onChange=${() => toggle(p.claim_id)} aria-label=${'申請 ' + p.claim_id.slice(0, 8) + ' を選ぶ'} /></td>
        <td>${p.claim_id.slice(0, 8)}</td><td>${ja.benefits[p.benefit] || p.benefit}</td><td class="num">${yen(p.amount_yen)}</td>
        <td class="due">${day(p.pay_by)}${late ? ' 期限超過' : ''}</td>
        <td>${p.bank_account ? `${p.bank_account.bank_code}-${p.bank_account.branch_code} ${p.bank_account.number} ${p.bank_account.holder_kana}` : '—'}</td>
        <td><button type="button" onClick=${() => paid(p)} aria-label=${'申請 ' + p.claim_id.slice(0, 8) + ' を支払済にする'}>支払済にする</button></td></tr>`; })}
        ${list && !list.length && html`<tr><td colspan="7">支払予定はありません</td></tr>`}</tbody>
      <tfoot><tr><th scope="row" colspan="3">合計${chosen.length ? `（選択 ${chosen.length}件 ${yen(chosenTotal)}）` : ''}</th><td class="num total">${yen(total)}</td><td colspan="3"></td></tr></tfoot></table>
    <h3>全銀協 総合振込ファイル</h3>
    <div class="row"><div class="field narrow-date"><label for="f-transfer_date">振込日</label>
      <input id="f-transfer_date" type="date" value=${transfer} onChange=${(e) => setTransfer(e.target.value)} /><${FieldError} items=${errors} field="transfer_date" /></div>
      <div class="field"><button type="button" class="primary" onClick=${zengin}>${chosen.length ? `選択した${chosen.length}件のファイルを作成` : '期限までの全件のファイルを作成'}</button></div></div>
    <p class="hint">ファイルを作成しても支払済にはなりません。振込後に各行の「支払済にする」を押してください。</p>
  </section>`;
}

function Statements() {
  const [partners, setPartners] = useState([]);
  const [filter, setFilter] = useState('');
  const [partner, setPartner] = useState('');
  const [month, setMonth] = useState(todayJst().slice(0, 7));
  const [st, setSt] = useState(null);
  const [errors, setErrors] = useState([]);
  useEffect(() => { get('/v1/partners' + query({ limit: 1000 })).then((r) => setPartners(r.partners), (e) => setErrors(errorSummary(e, ja))); }, []);
  const path = () => `/v1/partners/${encodeURIComponent(partner)}/statement` + query({ month });
  const show = async (e) => {
    e.preventDefault();
    if (!partner) { setErrors([{ field: 'partner', text: '協力会社を選んでください', href: '#f-partner' }]); return; }
    try { setSt(await get(path())); setErrors([]); } catch (err) { setErrors(errorSummary(err, ja, ja.fieldLabels)); }
  };
  const csv = async () => { try { await download(path(), `statement-${month}.csv`, 'text/csv'); } catch (err) { setErrors(errorSummary(err, ja)); } };
  const matching = partners.filter((p) => !filter || p.name.includes(filter));
  const shown = matching.slice(0, 300);
  return html`<section aria-labelledby="st-title">
    <h2 id="st-title">協力会社の月次明細</h2>
    <${ErrorSummary} items=${errors} />
    <form class="row" onSubmit=${show}>
      <div class="field"><label for="f-pfilter">名前で絞り込み</label><input id="f-pfilter" value=${filter} onInput=${(e) => setFilter(e.target.value)} /></div>
      <div class="field grow"><label for="f-partner">協力会社</label>
        <select id="f-partner" value=${partner} onChange=${(e) => setPartner(e.target.value)}><option value="">選んでください</option>
          ${shown.map((p) => html`<option value=${p.id}>${p.name}</option>`)}</select>
        ${matching.length > shown.length && html`<p class="hint">${matching.length}社のうち${shown.length}社を表示しています。名前で絞り込んでください</p>`}</div>
      <div class="field"><label for="f-month">対象月</label><input id="f-month" type="month" value=${month} onChange=${(e) => setMonth(e.target.value)} /></div>
      <div class="field"><button type="submit" class="primary">表示</button> <button type="button" onClick=${csv} disabled=${!partner}>CSVをダウンロード</button></div>
    </form>
    ${st && html`<table data-testid="statement"><caption>${st.partner_name} ${st.month}</caption>
      <thead><tr><th scope="col">完了日時</th><th scope="col">作業</th><th scope="col">結果</th><th scope="col" class="num">搬送距離</th><th scope="col" class="num">保証負担</th><th scope="col" class="num">お客様負担</th></tr></thead>
      <tbody>${st.jobs.map((j) => html`<tr><td>${shortTime(j.completed_at)}</td><td>${ja.services[j.service] || j.service}</td><td>${ja.outcomes[j.outcome] || j.outcome}</td>
        <td class="num">${j.tow_km ?? '—'}</td><td class="num">${yen(j.warranty_yen)}</td><td class="num">${yen(j.customer_yen)}</td></tr>`)}
        ${!st.jobs.length && html`<tr><td colspan="6">この月の作業はありません</td></tr>`}</tbody>
      <tfoot><tr><th scope="row" colspan="4">合計 ${st.totals.jobs}件</th><td class="num">${yen(st.totals.warranty_yen)}</td><td class="num">${yen(st.totals.customer_yen)}</td></tr></tfoot></table>`}
  </section>`;
}

const TABS = [['claims', '審査待ち', Claims], ['payouts', '支払・全銀協ファイル', Payouts], ['statements', '協力会社明細', Statements]];

function OfficeApp({ user }) {
  const [tab, setTab] = useState(location.hash.slice(1) || 'claims');
  const [, , Tab] = TABS.find((t) => t[0] === tab) || TABS[0];
  const choose = (k) => { setTab(k); history.replaceState(null, '', '#' + k); };
  return html`
    <${Header} user=${user} active="office" />
    <main id="main" class="office">
      <h1 class="visually-hidden">審査・支払</h1>
      <div class="tabs" role="tablist" aria-label="業務">
        ${TABS.map(([k, t]) => html`<button type="button" role="tab" id=${'tab-' + k} aria-selected=${tab === k ? 'true' : 'false'} aria-controls="tabpanel" onClick=${() => choose(k)}>${t}</button>`)}
      </div>
      <div id="tabpanel" role="tabpanel" aria-labelledby=${'tab-' + tab}><${Tab} /></div>
    </main>`;
}

startPage(OfficeApp, 'office');
