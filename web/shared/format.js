// Numbers, money, dates and places as a Japanese desk reads them. Times are shown in Japan time
// whatever the browser's zone is.

const JST = 'Asia/Tokyo';
const dateFmt = new Intl.DateTimeFormat('ja-JP', { timeZone: JST, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeFmt = new Intl.DateTimeFormat('ja-JP', { timeZone: JST, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const shortFmt = new Intl.DateTimeFormat('ja-JP', { timeZone: JST, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export const yen = (n) => (n === null || n === undefined ? '—' : '¥' + Number(n).toLocaleString('ja-JP'));
export const km = (n, digits = 1) => (n === null || n === undefined ? '—' : Number(n).toFixed(digits) + ' km');
// "2026-02-04" → "2026/02/04" (a date is already a Japan-time day).
export const day = (s) => (s ? String(s).slice(0, 10).replaceAll('-', '/') : '—');
export const dateTime = (s) => (s ? dateFmt.format(new Date(s)) + ' ' + timeFmt.format(new Date(s)) : '—');
export const time = (s) => (s ? timeFmt.format(new Date(s)) : '—');
export const shortTime = (s) => (s ? shortFmt.format(new Date(s)) : '—');

// Today in Japan time, "YYYY-MM-DD".
export function todayJst(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400000);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: JST, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// "1:05" for 65 seconds; "—" when past.
export function countdown(ms) {
  if (ms <= 0) return '0:00';
  const s = Math.ceil(ms / 1000);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

// "12分" / "1時間5分" since an instant.
export function elapsed(since, now = Date.now()) {
  const m = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60000));
  return m < 60 ? `${m}分` : `${Math.floor(m / 60)}時間${m % 60}分`;
}

// Full-width letters, digits and spaces to half-width (NFKC), spaces collapsed: what the agent
// typed, as the server will read it.
export const normalizeInput = (s) => String(s).normalize('NFKC').replace(/\s+/g, ' ').trim();

// Prefectural capitals: the board names the area of a job by the nearest one.
export const CAPITALS = [
  ['北海道', 43.064, 141.347], ['青森県', 40.824, 140.740], ['岩手県', 39.704, 141.153], ['宮城県', 38.269, 140.872],
  ['秋田県', 39.719, 140.102], ['山形県', 38.240, 140.363], ['福島県', 37.750, 140.468], ['茨城県', 36.342, 140.447],
  ['栃木県', 36.566, 139.884], ['群馬県', 36.391, 139.061], ['埼玉県', 35.857, 139.649], ['千葉県', 35.605, 140.123],
  ['東京都', 35.690, 139.692], ['神奈川県', 35.448, 139.643], ['新潟県', 37.903, 139.023], ['富山県', 36.695, 137.211],
  ['石川県', 36.595, 136.626], ['福井県', 36.065, 136.222], ['山梨県', 35.664, 138.568], ['長野県', 36.651, 138.181],
  ['岐阜県', 35.391, 136.722], ['静岡県', 34.977, 138.383], ['愛知県', 35.180, 136.907], ['三重県', 34.730, 136.509],
  ['滋賀県', 35.005, 135.869], ['京都府', 35.021, 135.756], ['大阪府', 34.686, 135.520], ['兵庫県', 34.691, 135.183],
  ['奈良県', 34.685, 135.805], ['和歌山県', 34.226, 135.168], ['鳥取県', 35.504, 134.238], ['島根県', 35.472, 133.051],
  ['岡山県', 34.662, 133.934], ['広島県', 34.397, 132.460], ['山口県', 34.186, 131.471], ['徳島県', 34.066, 134.559],
  ['香川県', 34.340, 134.043], ['愛媛県', 33.842, 132.766], ['高知県', 33.560, 133.531], ['福岡県', 33.606, 130.418],
  ['佐賀県', 33.249, 130.299], ['長崎県', 32.745, 129.874], ['熊本県', 32.790, 130.742], ['大分県', 33.238, 131.613],
  ['宮崎県', 31.911, 131.424], ['鹿児島県', 31.560, 130.558], ['沖縄県', 26.212, 127.681],
];

// Great-circle distance in km (for filters and labels; the server's figures are geodesic).
export function distanceKm(a, b) {
  const r = Math.PI / 180;
  const s = Math.sin((b.lat - a.lat) * r / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin((b.lon - a.lon) * r / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function areaName(p) {
  if (!p) return '—';
  let best = null, bestKm = Infinity;
  for (const [name, lat, lon] of CAPITALS) {
    const d = distanceKm(p, { lat, lon });
    if (d < bestKm) { best = name; bestKm = d; }
  }
  return best;
}
