// The one door to the server. Every non-2xx answer is {"error":{code,message,details}}; this turns
// it into an ApiError, and errorSummary() turns that into the lines of a GOV.UK-style error summary
// with details.field (a dotted path, "location.lat") mapped to the form field that shows it.
// Staff pages authenticate with the session cookie; unsafe methods add the X-CSRF-Token header.

export class ApiError extends Error {
  constructor(status, code, message, details = {}, retryAfterS = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details || {};
    this.retryAfterS = retryAfterS;
  }
  get field() {
    return typeof this.details.field === 'string' ? this.details.field : null;
  }
}

let csrfToken = null;
let onUnauthorized = null;

export function setCsrfToken(token) { csrfToken = token; }
// Called with the ApiError when a signed-in page gets 401 (the session ended).
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

const TIMEOUT_MS = 15000;

// options: accept, timeoutMs, signal, raw (the Response itself), headers (extra ones, e.g.
// Idempotency-Key), contentType with a Blob/File body (an upload, sent as it is).
export async function request(method, path, body, options = {}) {
  const headers = { Accept: options.accept || 'application/json', ...(options.headers || {}) };
  const rawBody = options.contentType !== undefined;
  if (body !== undefined) headers['Content-Type'] = rawBody ? options.contentType : 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs || TIMEOUT_MS);
  if (options.signal) options.signal.addEventListener('abort', () => controller.abort());
  let res;
  try {
    res = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal,
      body: body === undefined ? undefined : rawBody ? body : JSON.stringify(body),
    });
  } catch (e) {
    if (options.signal && options.signal.aborted) throw e;
    throw new ApiError(0, 'network_error', 'サーバーに接続できません');
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return null;
  if (options.raw) return res;
  const type = res.headers.get('Content-Type') || '';
  return type.includes('json') ? res.json() : res.text();
}

async function toError(res) {
  let code = 'http_' + res.status, message = res.statusText, details = {};
  try {
    const body = await res.json();
    if (body && body.error) ({ code, message, details } = body.error);
  } catch { /* not JSON: keep the status */ }
  const retry = Number(res.headers.get('Retry-After'));
  const err = new ApiError(res.status, code, message, details, Number.isFinite(retry) && retry > 0 ? retry : null);
  if (res.status === 401 && onUnauthorized) onUnauthorized(err);
  return err;
}

export const get = (path, options) => request('GET', path, undefined, options);
// A file as the raw body, with its own type (POST /v1/receipt-images).
export const upload = (path, file, type, options = {}) =>
  request('POST', path, file, { timeoutMs: 120000, ...options, contentType: type || 'application/octet-stream' });
export const post = (path, body = {}, options) => request('POST', path, body, options);
export const del = (path, options) => request('DELETE', path, undefined, options);

// Query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// The id of the form control that shows `field` ("location.lat" → "f-location-lat").
export function fieldId(field) {
  return 'f-' + String(field).replace(/[^A-Za-z0-9_]+/g, '-');
}

// The lines of an error summary: [{text, field, href}]. `dict.errors[code]` gives the Japanese
// sentence (a function of the error or a string); `fields` maps API field names to the label
// shown next to the control, so the line reads 「緯度: …」 and links to it.
export function errorSummary(err, dict, fields = {}) {
  if (!(err instanceof ApiError)) return [{ text: dict.errors.unexpected, field: null, href: null }];
  const entry = dict.errors[err.code];
  let text = typeof entry === 'function' ? entry(err) : entry || err.message || dict.errors.unexpected;
  const field = err.field;
  const known = field && Object.prototype.hasOwnProperty.call(fields, field);
  if (known) text = `${fields[field]}: ${text}`;
  return [{ text, field: known ? field : null, href: known ? '#' + fieldId(field) : null }];
}

// Saves a response body (a file the server made) under the name it gives, or `fallback`.
export async function download(path, fallback, accept) {
  const res = await request('GET', path, undefined, { raw: true, accept: accept || '*/*' });
  const disposition = res.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition);
  const name = m ? decodeURIComponent(m[1]) : fallback;
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return { name, bytes: blob.size };
}
