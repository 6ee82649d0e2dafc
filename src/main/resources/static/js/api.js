// The REST API as the console uses it: the session cookie, the CSRF header on every change, JSON both ways.
// A 401 sends the user to the login page; every other refusal is thrown as an ApiError with the server's message.

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let onUnauthorized = () => {};

/** What to do when the server says nobody is logged in (the app goes to #/login). */
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'XSRF-TOKEN') return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function request(method, path, body, { quiet401 = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    const token = csrfToken();
    if (token) headers['X-XSRF-TOKEN'] = token;
  }
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? (method === 'GET' ? undefined : '') : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (response.status === 401 && !quiet401) {
    onUnauthorized();
  }
  if (!response.ok) {
    const message = (data && data.message) || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, data);
  }
  return data;
}

export const api = {
  get: (path, params) => request('GET', path + query(params)),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  del: (path) => request('DELETE', path),
  session: () => request('GET', '/api/session', undefined, { quiet401: true }),
  login: (name, password) => request('POST', '/api/session', { name, password }, { quiet401: true }),
  logout: () => request('DELETE', '/api/session', undefined, { quiet401: true }),
};

export const enc = encodeURIComponent;
