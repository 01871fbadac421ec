// A QR code drawn in the page itself (uqr, an npm package served from /vendor/: nothing is fetched
// from anywhere else). The matrix becomes one SVG path, so it stays sharp at any size and prints.
import { encode } from 'uqr';
import { html } from './ui.js';

// The dark modules of `text` as an SVG path, with the size of the square (quiet zone included).
export function qrPath(text, border = 4) {
  const { size, data } = encode(text, { ecc: 'M', border });
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (data[y][x]) d += `M${x} ${y}h1v1h-1z`;
  }
  return { size, d };
}

export function QrCode({ text, label, px = 176 }) {
  const { size, d } = qrPath(text);
  return html`<svg class="qr" role="img" aria-label=${label} width=${px} height=${px} viewBox=${`0 0 ${size} ${size}`}
    shape-rendering="crispEdges" data-qr=${text}><rect width=${size} height=${size} fill="#fff" /><path d=${d} fill="#000" /></svg>`;
}
