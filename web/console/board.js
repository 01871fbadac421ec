// ボード: every open job, live. Unassigned jobs red at the top with their reason and 再手配;
// offered jobs with the seconds left; en route with the ETA. Filters by status and by area (a box
// drawn on the map, or a distance from a point), and today's counts. Rows are keyed by job, so a
// live update changes one row in place: nothing flickers.
import { html, useState, useEffect, useMemo, useCallback, useNow } from '../shared/ui.js';
import { get, post, query, errorSummary } from '../shared/api.js';
import { subscribe } from '../shared/events.js';
import { JapanMap } from '../shared/map.js';
import { areaName, countdown, elapsed, distanceKm, todayJst, normalizeInput } from '../shared/format.js';
import { startPage, checkSession, Header, ErrorSummary } from './shell.js';
import { usePartnerNames } from './dispatch.js';
import * as ja from './ja.js';

const OPEN = ['unassigned', 'offered', 'accepted', 'en_route', 'on_scene', 'towing', 'delivered'];
const RANK = { unassigned: 0, offered: 1 };
const POLL_WHEN_OFFLINE_MS = 5000;
const LIST_LIMIT = 500;

function SecondsLeft({ until }) {
  const now = useNow(1000);
  const ms = new Date(until).getTime() - now;
  return html`<span class="countdown small" aria-label=${'残り' + Math.max(0, Math.ceil(ms / 1000)) + '秒'}>残り ${countdown(ms)}</span>`;
}

function Elapsed({ since }) {
  const now = useNow(15000);
  return elapsed(since, now);
}

export function inArea(job, area) {
  if (!area) return true;
  const p = job.location;
  if (!p) return false;
  if (area.box) { const b = area.box; return p.lat <= b.north && p.lat >= b.south && p.lon >= b.west && p.lon <= b.east; }
  if (area.center) return distanceKm(area.center, p) <= area.km;
  return true;
}

function JobRow({ job, names, onRedispatch }) {
  const p = names[job.partner_id];
  return html`<tr class=${'row-' + job.status} data-job=${job.job_id}>
    <td><${Elapsed} since=${job.created_at} /></td>
    <td><span class=${'badge badge-' + job.status}>${ja.jobStatus[job.status] || job.status}</span>
      ${job.status === 'offered' && job.offer_expires_at && html`<${SecondsLeft} until=${job.offer_expires_at} />`}
      ${job.status === 'unassigned' && html`<div class="unassigned-reason">${ja.unassignedReasons[job.unassigned_reason] || job.unassigned_reason || ''}</div>`}</td>
    <td>${areaName(job.location)}</td>
    <td>${ja.services[job.service] || job.service}${job.free ? '' : html` <small class="warn">有料</small>`}</td>
    <td>${p ? p.name : job.partner_id ? '…' : '—'}</td>
    <td>${job.eta_minutes && ['accepted', 'en_route'].includes(job.status) ? `${job.eta_minutes}分` : '—'}</td>
    <td class="actions-cell">${job.status === 'unassigned' && html`<button type="button" class="danger" onClick=${() => onRedispatch(job)}>再手配</button>`}
      <a href=${'./?incident=' + encodeURIComponent(job.incident_id)} aria-label=${'経過を開く（' + areaName(job.location) + '）'}>経過</a></td>
  </tr>`;
}

function BoardApp({ user }) {
  const [jobs, setJobs] = useState(new Map());
  const [done, setDone] = useState({ completed: 0, cancelled: 0 });
  const [calls, setCalls] = useState(null);
  const [status, setStatus] = useState('');
  const [areaMode, setAreaMode] = useState('none');
  const [box, setBox] = useState(null);
  const [point, setPoint] = useState({ lat: '', lon: '', km: '50' });
  const [live, setLive] = useState('connecting');
  const [errors, setErrors] = useState([]);

  const loadAll = useCallback(async () => {
    try {
      const r = await get('/v1/jobs' + query({ limit: LIST_LIMIT }));
      setJobs(new Map(r.jobs.filter((j) => OPEN.includes(j.status)).map((j) => [j.job_id, j])));
      setErrors([]);
    } catch (e) { setErrors(errorSummary(e, ja)); }
    const today = todayJst();
    const countToday = async (s) => {
      try { const r = await get('/v1/jobs' + query({ status: s, limit: LIST_LIMIT })); return r.jobs.filter((j) => (j.updated_at || '').startsWith(today)).length; } catch { return null; }
    };
    const [completed, cancelled] = await Promise.all([countToday('completed'), countToday('cancelled')]);
    setDone({ completed, cancelled });
    get('/v1/incidents' + query({ from: today, limit: 1000 })).then((r) => setCalls((r.incidents || []).length), () => setCalls(null));
  }, []);

  const loadOne = useCallback(async (id) => {
    try {
      const j = await get('/v1/jobs/' + encodeURIComponent(id));
      setJobs((cur) => {
        const next = new Map(cur);
        if (OPEN.includes(j.status)) next.set(j.job_id, j); else next.delete(j.job_id);
        return next;
      });
      if (j.status === 'completed' || j.status === 'cancelled') setDone((d) => ({ ...d, [j.status]: (d[j.status] || 0) + 1 }));
    } catch { /* gone or not ours: the next full load settles it */ }
  }, []);

  useEffect(() => { loadAll(); }, []);
  useEffect(() => subscribe({
    onEvent: (e) => {
      if (e.ids.job_id) loadOne(e.ids.job_id);
      else if (e.type === 'call_received' || e.type === 'incident_created') setCalls((c) => (c === null ? c : c + 1));
    },
    onResync: loadAll,
    onState: setLive,
    onEnd: () => checkSession().catch(() => {}),
    beforeRetry: checkSession,
  }), []);
  // Without the stream (it reconnects), poll; one timer however often the state flips.
  const offline = live !== 'open';
  useEffect(() => {
    if (!offline) return undefined;
    const t = setInterval(loadAll, POLL_WHEN_OFFLINE_MS);
    return () => clearInterval(t);
  }, [offline]);

  const [notice, setNotice] = useState('');
  const redispatch = async (job) => {
    try {
      const r = await post(`/v1/jobs/${encodeURIComponent(job.job_id)}/dispatch`, {});
      setNotice(r.status === 'offered' ? `${areaName(r.location)}の案件を再手配しました（打診中）`
        : `${areaName(r.location)}の案件を再手配しましたが、${ja.unassignedReasons[r.unassigned_reason] || '対応できる協力会社がありません'}`);
      loadOne(job.job_id);
    } catch (e) { setErrors(errorSummary(e, ja)); }
  };

  const all = [...jobs.values()];
  const center = { lat: Number(normalizeInput(point.lat)), lon: Number(normalizeInput(point.lon)) };
  const area = areaMode === 'box' && box ? { box }
    : areaMode === 'point' && Number.isFinite(center.lat) && Number.isFinite(center.lon) && point.lat !== '' && point.lon !== '' ? { center, km: Number(point.km) || 50 } : null;
  const shown = all.filter((j) => (!status || j.status === status) && inArea(j, area))
    .sort((a, b) => (RANK[a.status] ?? 2) - (RANK[b.status] ?? 2) || (a.created_at < b.created_at ? -1 : 1));
  const names = usePartnerNames(all.map((j) => j.partner_id));
  const count = (s) => all.filter((j) => j.status === s).length;
  const markers = shown.map((j) => ({ id: j.job_id, kind: 'point', cls: 'job-' + j.status, lat: j.location.lat, lon: j.location.lon,
    title: `${ja.jobStatus[j.status]} ${ja.services[j.service] || j.service} ${areaName(j.location)}` }));
  const circles = area && area.center ? [{ key: 'filter', center: area.center, radiusKm: area.km }] : [];

  return html`
    <${Header} user=${user} active="board" live=${live} />
    <main id="main" class="board">
      <section class="jobs" aria-labelledby="board-title">
        <h1 id="board-title" class="visually-hidden">ボード</h1>
        <${ErrorSummary} items=${errors} title="ボードを更新できません" />
        <p class="notice" role="status">${notice}</p>
        <ul class="counts" aria-label="本日の件数" data-testid="counts">
          ${calls !== null && html`<li>本日の受付<strong>${calls}</strong></li>`}
          <li>未手配<strong data-testid="count-unassigned">${count('unassigned')}</strong></li>
          <li>打診中<strong data-testid="count-offered">${count('offered')}</strong></li>
          <li>対応中<strong data-testid="count-active">${count('accepted') + count('en_route') + count('on_scene') + count('towing') + count('delivered')}</strong></li>
          <li>本日完了<strong data-testid="count-completed">${done.completed ?? '—'}</strong></li>
          <li>本日キャンセル<strong>${done.cancelled ?? '—'}</strong></li>
        </ul>
        <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="絞り込み">
          <div class="field"><label for="f-status">状態</label>
            <select id="f-status" value=${status} onChange=${(e) => setStatus(e.target.value)}>
              <option value="">すべて</option>${OPEN.map((s) => html`<option value=${s}>${ja.jobStatus[s]}</option>`)}</select></div>
          <fieldset class="field"><legend>地域</legend>
            <label class="check"><input type="radio" name="area" checked=${areaMode === 'none'} onChange=${() => setAreaMode('none')} /> 全国</label>
            <label class="check"><input type="radio" name="area" checked=${areaMode === 'box'} onChange=${() => setAreaMode('box')} /> 地図で範囲を描く</label>
            <label class="check"><input type="radio" name="area" checked=${areaMode === 'point'} onChange=${() => setAreaMode('point')} /> 地点からの距離</label>
          </fieldset>
          ${areaMode === 'point' && html`
            <div class="field"><label for="f-plat">緯度</label><input id="f-plat" inputmode="decimal" value=${point.lat} onInput=${(e) => setPoint({ ...point, lat: e.target.value })} /></div>
            <div class="field"><label for="f-plon">経度</label><input id="f-plon" inputmode="decimal" value=${point.lon} onInput=${(e) => setPoint({ ...point, lon: e.target.value })} /></div>
            <div class="field"><label for="f-pkm">半径 km</label><input id="f-pkm" type="number" min="1" max="2000" value=${point.km} onInput=${(e) => setPoint({ ...point, km: e.target.value })} /></div>`}
          ${areaMode === 'box' && html`<p class="hint">${box ? html`範囲を指定済み <button type="button" onClick=${() => setBox(null)}>解除</button>` : '地図の上をドラッグして範囲を描きます'}</p>`}
        </form>
        <table class="board-table" data-testid="board">
          <caption>対応中の案件 ${shown.length}件${shown.length !== all.length ? `（全${all.length}件中）` : ''}</caption>
          <thead><tr><th scope="col">経過時間</th><th scope="col">状態</th><th scope="col">地域</th><th scope="col">作業</th><th scope="col">協力会社</th><th scope="col">ETA</th><th scope="col"><span class="visually-hidden">操作</span></th></tr></thead>
          <tbody>${shown.map((j) => html`<${JobRow} key=${j.job_id} job=${j} names=${names} onRedispatch=${redispatch} />`)}
            ${!shown.length && html`<tr><td colspan="7">該当する案件はありません</td></tr>`}</tbody>
        </table>
      </section>
      <section class="side" aria-label="地図">
        <${JapanMap} label="案件の地図" markers=${markers} circles=${circles} boxMode=${areaMode === 'box'} box=${areaMode === 'box' ? box : null}
          onBox=${(b) => setBox(b)} onPick=${areaMode === 'point' ? (p) => setPoint({ ...point, lat: String(p.lat), lon: String(p.lon) }) : null} />
        <p class="legend" aria-hidden="true"><span class="lg lg-unassigned">●</span> 未手配 <span class="lg lg-offered">●</span> 打診中 <span class="lg lg-moving">●</span> 承諾・出動 <span class="lg lg-home">●</span> その他</p>
      </section>
    </main>`;
}

startPage(BoardApp, 'board');
