// Small pieces the partner's screens share: the GOV.UK-style error summary, the message under a
// field, and the alert for a new offer (a sound and a vibration, where the phone allows them).
import { html, useEffect, useRef } from '../shared/ui.js';

export function ErrorSummary({ items, title = '確認してください', autoFocus = true }) {
  const ref = useRef(null);
  useEffect(() => { if (autoFocus && items && items.length && ref.current) ref.current.focus(); }, [items]);
  if (!items || !items.length) return null;
  return html`
    <div class="error-summary" role="alert" tabindex="-1" ref=${ref}>
      <h2>${title}</h2>
      <ul>${items.map((i) => html`<li>${i.href ? html`<a href=${i.href}>${i.text}</a>` : i.text}</li>`)}</ul>
    </div>`;
}

export function FieldError({ items, field }) {
  const hit = items && items.find((i) => i.field === field);
  return hit ? html`<p class="field-error">${hit.text}</p>` : null;
}

// Browsers let a page make a sound only after the person has touched it: the first tap (the
// sign-in button, or any tap) arms it.
let audio = null;
export function armSound() {
  try {
    if (!audio && window.AudioContext) audio = new AudioContext();
    if (audio && audio.state === 'suspended') audio.resume();
  } catch { audio = null; }
}
document.addEventListener('pointerdown', armSound, { once: true, capture: true });

function beep(at, freq) {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.25);
  osc.connect(gain).connect(audio.destination);
  osc.start(at);
  osc.stop(at + 0.3);
}

// A new offer: two rising tones and a double buzz, each only where allowed. window.__alerts
// counts them (the tests read it).
export function alertCrew() {
  window.__alerts = (window.__alerts || 0) + 1;
  try { if (navigator.vibrate) navigator.vibrate([300, 150, 300]); } catch { /* not allowed */ }
  try {
    if (audio && audio.state === 'running') {
      const t = audio.currentTime;
      beep(t, 880);
      beep(t + 0.3, 1175);
    }
  } catch { /* no sound here */ }
}
