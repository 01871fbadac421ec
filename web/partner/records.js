// 本日の作業 and 月次明細: today's jobs (Japan time) from the partner's list, and the month's
// statement as the back office pays it (GET /v1/partners/{id}/statement?month=YYYY-MM).
import { html, useState, useEffect } from '../shared/ui.js';
import { get, errorSummary } from '../shared/api.js';
import { yen, km, time, day, todayJst } from '../shared/format.js';
import { ErrorSummary } from './parts.js';
import * as ja from './ja.js';

export function TodayJobs({ jobs }) {
  const today = todayJst();
  const dayOf = (at) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date(at));
  const list = (jobs || []).filter((j) => dayOf(j.created_at) === today);
  return html`<section class="panel" aria-labelledby="today-title" data-testid="today">
    <h2 id="today-title">本日の作業 <small>${day(today)}</small></h2>
    ${list.length ? html`<ul class="plain">${list.map((j) => html`<li>
        <strong>${ja.services[j.service] || j.service}</strong> <span class="pill">${ja.jobStatus[j.status] || j.status}</span><br />
        <small>${time(j.created_at)}　${j.vehicle ? j.vehicle.plate : ''}</small>
        ${j.charges && html`<br /><small>保証 ${yen(j.charges.covered_yen)}・お客様 ${yen(j.charges.customer_yen)}</small>`}</li>`)}</ul>`
      : html`<p>本日の作業はまだありません。</p>`}
  </section>`;
}

export function MonthStatement({ partnerId }) {
  const [month, setMonth] = useState(todayJst().slice(0, 7));
  const [st, setSt] = useState(null);
  const [errors, setErrors] = useState([]);
  useEffect(() => {
    let alive = true;
    setSt(null);
    get(`/v1/partners/${encodeURIComponent(partnerId)}/statement?month=${month}`)
      .then((r) => { if (alive) { setSt(r); setErrors([]); } }, (e) => { if (alive) setErrors(errorSummary(e, ja)); });
    return () => { alive = false; };
  }, [month]);
  return html`<section class="panel" aria-labelledby="month-title" data-testid="statement">
    <h2 id="month-title">月次明細</h2>
    <div class="field"><label for="f-month">対象月</label>
      <input id="f-month" type="month" value=${month} onChange=${(e) => e.target.value && setMonth(e.target.value)} /></div>
    <${ErrorSummary} items=${errors} autoFocus=${false} />
    ${st && html`<div class="split">
        <div><span class="label">件数</span><strong>${st.totals.jobs}件</strong></div>
        <div><span class="label">合計</span><strong>${yen(st.totals.total_yen)}</strong></div></div>
      <p>保証 ${yen(st.totals.warranty_yen)}・お客様 ${yen(st.totals.customer_yen)}</p>
      <table class="lines"><caption class="visually-hidden">${month}の作業</caption>
        <thead><tr><th scope="col">完了</th><th scope="col">作業</th><th scope="col" class="num">保証</th><th scope="col" class="num">お客様</th></tr></thead>
        <tbody>${st.jobs.map((j) => html`<tr><td>${day(j.completed_at)}</td><td>${ja.services[j.service] || j.service}${j.tow_km ? ` ${km(j.tow_km)}` : ''}</td>
          <td class="num">${yen(j.warranty_yen)}</td><td class="num">${yen(j.customer_yen)}</td></tr>`)}</tbody></table>`}
  </section>`;
}
