// Changes made on a phone with a bad network are kept, in order, and sent when it comes back
// (issue 14: "a bad mobile network loses nothing"). Each entry carries its Idempotency-Key from the
// moment it is made: a retry — after a timeout, a lost answer, a reload — is the same request, and
// the server answers it once (spec/api.md "Idempotency-Key").
//
// Entries live in localStorage (small JSON bodies: statuses, completions with a signature of at
// most 200 KB), so a reload or a closed tab loses nothing either. Sending is one at a time, in
// order: a completion never overtakes the status before it.
import { request, ApiError } from './api.js';

const RETRY_MS = 10000;

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// A failure worth retrying: no answer at all, or the server busy / briefly down.
export function retryable(e) {
  return !(e instanceof ApiError) || [0, 429, 502, 503, 504].includes(e.status) || e.code === 'idempotency_key_in_progress';
}

export class Outbox {
  // storageKey: where entries live; onChange(entries, lastFailure) after every change.
  constructor(storageKey, onChange = () => {}) {
    this.key = storageKey;
    this.onChange = onChange;
    this.sending = null;
    this.failure = null;
    this.timer = setInterval(() => this.flush(), RETRY_MS);
    this.online = () => this.flush();
    window.addEventListener('online', this.online);
  }

  close() {
    clearInterval(this.timer);
    window.removeEventListener('online', this.online);
  }

  entries() {
    try { return JSON.parse(localStorage.getItem(this.key) || '[]'); } catch { return []; }
  }

  save(list) {
    localStorage.setItem(this.key, JSON.stringify(list));
    this.onChange(list, this.failure);
  }

  // Queues a POST and tries to send it (and anything before it) at once. Resolves with the
  // server's answer when it went through now, or with null when it waits for the network.
  async add({ path, body, label, jobId }) {
    const entry = { key: newKey(), path, body, label, jobId, at: Date.now() };
    this.save([...this.entries(), entry]);
    const results = await this.flush();
    return results.get(entry.key) || null;
  }

  // Sends the waiting entries in order; stops at the first that cannot go yet. One flush at a time.
  flush() {
    if (this.sending) return this.sending;
    this.sending = this.sendAll().finally(() => { this.sending = null; });
    return this.sending;
  }

  async sendAll() {
    const results = new Map();
    for (;;) {
      const [first] = this.entries();
      if (!first) break;
      try {
        const answer = await request('POST', first.path, first.body, { headers: { 'Idempotency-Key': first.key } });
        results.set(first.key, answer);
        this.failure = null;
      } catch (e) {
        if (retryable(e)) { this.failure = null; this.onChange(this.entries(), null); break; }
        // Refused for good (the job moved on meanwhile, a rule said no): dropped, and said so.
        this.failure = { entry: first, error: e };
      }
      this.save(this.entries().filter((x) => x.key !== first.key));
    }
    return results;
  }
}
