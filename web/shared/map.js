// The map: Japan drawn offline from Natural Earth (npm world-atlas, served by our own server) in
// a Mercator projection of our own, as SVG. It pans (drag, arrow keys) and zooms (wheel, + −),
// reports a click as {lat, lon} (the breakdown location) and, in box mode, a dragged rectangle as
// {south, west, north, east} (the board's area filter). Markers keep their size at every zoom;
// the land path is built once and only its transform changes, so nothing flickers.
import { html, useState, useEffect, useRef, useMemo } from './ui.js';
import feature from 'topojson-client/feature';
import { CAPITALS } from './format.js';
import { project, unproject, circlePoints } from './geo.js';

export { project, unproject, circlePoints };

export const ATLAS_URL = '/vendor/world-atlas@2.0.2/countries-50m.json';
// Natural Earth 1:10m, loaded once the view is closer than a region: coasts a driver recognises.
export const ATLAS_FINE_URL = '/vendor/world-atlas@2.0.2/countries-10m.json';
const FINE_BELOW_DEG = 6;
const PLACES_BELOW_DEG = 14;  // place names once the view is closer than the whole country
const JAPAN = '392';
// What is drawn and where the view starts: the Japanese archipelago and its neighbours' coasts.
const REGION = { west: 122, east: 149, south: 24, north: 46 };
const DRAW = { west: 115, east: 156, south: 18, north: 52 };
const K = 10000;  // projected units × K = path units (keeps one decimal meaningful)
const MIN_SPAN = 0.0005;  // the closest zoom: about 3 km across

const atlases = new Map();
function loadAtlas(url) {
  if (!atlases.has(url)) {
    atlases.set(url, fetch(url, { credentials: 'same-origin' })
      .then((r) => { if (!r.ok) throw new Error('atlas ' + r.status); return r.json(); })
      .then(toPaths)
      .catch((e) => { atlases.delete(url); throw e; }));
  }
  return atlases.get(url);
}

function ringPath(ring) {
  let minLon = 180, maxLon = -180, minLat = 90, maxLat = -90;
  for (const [lon, lat] of ring) {
    if (lon < minLon) minLon = lon; if (lon > maxLon) maxLon = lon;
    if (lat < minLat) minLat = lat; if (lat > maxLat) maxLat = lat;
  }
  if (maxLon < DRAW.west || minLon > DRAW.east || maxLat < DRAW.south || minLat > DRAW.north) return '';
  let d = '';
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i];
    const [x, y] = project(Math.max(DRAW.south - 5, Math.min(DRAW.north + 5, lat)), lon);
    d += (i ? 'L' : 'M') + (x * K).toFixed(1) + ' ' + (y * K).toFixed(1);
  }
  return d + 'Z';
}

function toPaths(topology) {
  const countries = feature(topology, topology.objects.countries).features;
  let japan = '', others = '';
  for (const f of countries) {
    const g = f.geometry;
    if (!g) continue;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    let d = '';
    for (const poly of polygons) for (const ring of poly) d += ringPath(ring);
    if (String(f.id) === JAPAN) japan += d; else others += d;
  }
  return { japan, others };
}

function fitView(bounds, width, height, pad = 24) {
  const [x0, y0] = project(bounds.north, bounds.west);
  const [x1, y1] = project(bounds.south, bounds.east);
  const spanX = Math.max(x1 - x0, MIN_SPAN), spanY = Math.max(y1 - y0, MIN_SPAN);
  const k = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  return { k, tx: width / 2 - k * (x0 + x1) / 2, ty: height / 2 - k * (y0 + y1) / 2 };
}

export function boundsOf(points, minKm = 20) {
  const pts = points.filter((p) => p && Number.isFinite(p.lat) && Number.isFinite(p.lon));
  if (!pts.length) return REGION;
  let b = { west: 180, east: -180, south: 90, north: -90 };
  for (const p of pts) {
    b = { west: Math.min(b.west, p.lon), east: Math.max(b.east, p.lon), south: Math.min(b.south, p.lat), north: Math.max(b.north, p.lat) };
  }
  const padLat = Math.max((b.north - b.south) * 0.15, minKm / 111);
  const padLon = Math.max((b.east - b.west) * 0.15, minKm / 91);
  return { west: b.west - padLon, east: b.east + padLon, south: b.south - padLat, north: b.north + padLat };
}

const SHAPES = {
  breakdown: () => html`<path class="mk-breakdown" d="M-7 -7L7 7M7 -7L-7 7" />`,
  home: () => html`<circle class="mk-home" r="6" />`,
  partner: () => html`<path class="mk-partner" d="M0 -7L6.5 5H-6.5Z" />`,
  partner_chosen: () => html`<path class="mk-partner chosen" d="M0 -9L8 6H-8Z" />`,
  shop: () => html`<rect class="mk-shop" x="-5.5" y="-5.5" width="11" height="11" />`,
  point: () => html`<circle class="mk-point" r="5" />`,
};

// markers: [{id, kind, lat, lon, label?, title?, cls?}]; circles: [{center, radiusKm, cls}]
export function JapanMap({ markers = [], circles = [], fit = null, fitKey = '', onPick = null,
                           boxMode = false, onBox = null, box = null, label = '地図' }) {
  const wrap = useRef(null);
  const [size, setSize] = useState({ w: 600, h: 500 });
  const [view, setView] = useState(null);
  const [coarse, setCoarse] = useState(null);
  const [fine, setFine] = useState(null);
  const [failed, setFailed] = useState(false);
  const [dragBox, setDragBox] = useState(null);
  const drag = useRef(null);

  useEffect(() => { loadAtlas(ATLAS_URL).then(setCoarse, () => setFailed(true)); }, []);
  useEffect(() => {
    const el = wrap.current;
    const measure = () => setSize({ w: Math.max(200, el.clientWidth), h: Math.max(200, el.clientHeight) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => { setView(fitView(fit ? boundsOf(fit) : REGION, size.w, size.h)); }, [fitKey, size.w, size.h]);

  const v = view || fitView(REGION, size.w, size.h);
  const close = (size.w / v.k) * 180 / Math.PI < FINE_BELOW_DEG;
  useEffect(() => { if (close && !fine && coarse) loadAtlas(ATLAS_FINE_URL).then(setFine, () => {}); }, [close, !!coarse]);
  const land = close && fine ? fine : coarse;
  const toScreen = (lat, lon) => { const [x, y] = project(lat, lon); return [x * v.k + v.tx, y * v.k + v.ty]; };
  const toLatLon = (sx, sy) => unproject((sx - v.tx) / v.k, (sy - v.ty) / v.k);

  const zoomAt = (factor, sx, sy) => setView((cur) => {
    const c = cur || v;
    const k = Math.min(Math.max(c.k * factor, size.w / 1.2), size.w / MIN_SPAN);
    const f = k / c.k;
    return { k, tx: sx - (sx - c.tx) * f, ty: sy - (sy - c.ty) * f };
  });
  const pan = (dx, dy) => setView((c) => ({ ...(c || v), tx: (c || v).tx + dx, ty: (c || v).ty + dy }));

  useEffect(() => {
    const el = wrap.current;
    const onWheel = (e) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [size.w]);

  const local = (e) => { const r = wrap.current.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  const onDown = (e) => {
    if (e.button !== 0 || e.target.closest('button')) return;
    const [x, y] = local(e);
    drag.current = { x, y, moved: false, view: v };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e) => {
    const d = drag.current;
    if (!d) return;
    const [x, y] = local(e);
    if (!d.moved && Math.hypot(x - d.x, y - d.y) < 4) return;
    d.moved = true;
    if (boxMode) setDragBox({ x0: d.x, y0: d.y, x1: x, y1: y });
    else setView({ ...d.view, tx: d.view.tx + x - d.x, ty: d.view.ty + y - d.y });
  };
  const onUp = (e) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    const [x, y] = local(e);
    if (!d.moved) { if (onPick) onPick(round(toLatLon(x, y))); return; }
    if (boxMode && onBox) {
      const a = toLatLon(Math.min(d.x, x), Math.min(d.y, y)), b = toLatLon(Math.max(d.x, x), Math.max(d.y, y));
      setDragBox(null);
      onBox({ north: a.lat, west: a.lon, south: b.lat, east: b.lon });
    }
  };
  const onKey = (e) => {
    const step = 60;
    const keys = { ArrowLeft: () => pan(step, 0), ArrowRight: () => pan(-step, 0), ArrowUp: () => pan(0, step),
      ArrowDown: () => pan(0, -step), '+': () => zoomAt(1.5, size.w / 2, size.h / 2), '=': () => zoomAt(1.5, size.w / 2, size.h / 2),
      '-': () => zoomAt(1 / 1.5, size.w / 2, size.h / 2), '0': () => setView(fitView(REGION, size.w, size.h)) };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  };

  const landTransform = `translate(${v.tx.toFixed(2)} ${v.ty.toFixed(2)}) scale(${(v.k / K).toPrecision(8)})`;
  const circlePaths = useMemo(() => circles.map((c) => ({ ...c, pts: circlePoints(c.center, c.radiusKm) })), [JSON.stringify(circles)]);
  const shownBox = dragBox || (box && (() => {
    const [x0, y0] = toScreen(box.north, box.west), [x1, y1] = toScreen(box.south, box.east);
    return { x0, y0, x1, y1 };
  })());

  return html`
    <div class=${'map' + (boxMode ? ' box-mode' : '')} ref=${wrap} tabindex="0" role="group"
         aria-label=${label + '（ドラッグまたは矢印キーで移動、ホイールまたは＋−で拡大縮小' + (onPick ? '、クリックで地点を指定' : '') + '）'}
         onPointerDown=${onDown} onPointerMove=${onMove} onPointerUp=${onUp} onKeyDown=${onKey}>
      <svg width=${size.w} height=${size.h} aria-hidden="true" focusable="false">
        <rect class="sea" width=${size.w} height=${size.h} />
        ${land && html`<g transform=${landTransform}><path class="land-other" d=${land.others} /><path class="land" d=${land.japan} /></g>`}
        ${circlePaths.map((c) => html`<path key=${c.key || 'c'} class=${'circle ' + (c.cls || '')}
            d=${c.pts.map((p, i) => { const [x, y] = toScreen(p.lat, p.lon); return (i ? 'L' : 'M') + x.toFixed(1) + ' ' + y.toFixed(1); }).join('') + 'Z'} />`)}
        ${(size.w / v.k) * 180 / Math.PI < PLACES_BELOW_DEG && CAPITALS.map(([name, lat, lon]) => {
          const [x, y] = toScreen(lat, lon);
          if (x < 0 || y < 0 || x > size.w || y > size.h) return null;
          return html`<g key=${name} class="place" transform=${`translate(${x.toFixed(1)} ${y.toFixed(1)})`}><circle r="2.5" /><text x="5" y="-4">${name.replace(/[都府県]$/, '')}</text></g>`;
        })}
        ${shownBox && html`<rect class="select-box" x=${Math.min(shownBox.x0, shownBox.x1)} y=${Math.min(shownBox.y0, shownBox.y1)}
            width=${Math.abs(shownBox.x1 - shownBox.x0)} height=${Math.abs(shownBox.y1 - shownBox.y0)} />`}
        ${markers.filter((m) => Number.isFinite(m.lat) && Number.isFinite(m.lon)).map((m) => {
          const [x, y] = toScreen(m.lat, m.lon);
          if (x < -50 || y < -50 || x > size.w + 50 || y > size.h + 50) return null;
          const shape = SHAPES[m.kind] || SHAPES.point;
          return html`<g key=${m.id} class=${'marker ' + (m.cls || '')} transform=${`translate(${x.toFixed(1)} ${y.toFixed(1)})`}>
            ${shape()}${m.title && html`<title>${m.title}</title>`}
            ${m.label && html`<text x="9" y="4">${m.label}</text>`}</g>`;
        })}
      </svg>
      ${!land && html`<p class="map-status">${failed ? '地図データを読み込めません（npm ci を確認）' : '地図を読み込み中…'}</p>`}
      <div class="map-controls">
        <button type="button" onClick=${() => zoomAt(1.5, size.w / 2, size.h / 2)} aria-label="拡大">＋</button>
        <button type="button" onClick=${() => zoomAt(1 / 1.5, size.w / 2, size.h / 2)} aria-label="縮小">−</button>
        <button type="button" onClick=${() => setView(fitView(fit ? boundsOf(fit) : REGION, size.w, size.h))} aria-label="表示を戻す">⟲</button>
      </div>
    </div>`;
}

function round(p) {
  return { lat: Math.round(p.lat * 1e5) / 1e5, lon: Math.round(p.lon * 1e5) / 1e5 };
}
