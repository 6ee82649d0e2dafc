// Building the page from data without ever parsing data as HTML: every value goes in as a text node.

/**
 * An element: h('a.link#id', {href: '#/x', onclick: fn, dataset: {...}}, 'text', child, [more]).
 * Strings and numbers become text nodes; null/undefined/false are skipped.
 */
export function h(spec, attrs, ...children) {
  const [, tag = 'div', rest = ''] = /^([a-z0-9-]*)(.*)$/i.exec(spec);
  const el = document.createElement(tag || 'div');
  for (const m of rest.matchAll(/([.#])([^.#]+)/g)) {
    if (m[1] === '.') el.classList.add(m[2]); else el.id = m[2];
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k === 'style') el.style.cssText = v;   // through the CSSOM: allowed under a CSP without 'unsafe-inline'
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'disabled' || k === 'selected') el[k] = !!v;
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

/** Only in-page links: a value from the server can never become a javascript: URL. */
function safeHref(v) {
  const s = String(v);
  return s.startsWith('#') || s.startsWith('/') ? s : '#';
}

/** An SVG element (charts). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'style') el.style.cssText = v; else el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** A table: columns [{title, cell: row => node|string, class}], rows; empty text when there are none. */
export function table(columns, rows, { empty = 'Nothing here.', rowClass, id } = {}) {
  if (!rows || rows.length === 0) return h('p.empty', empty);
  return h('table.grid', { id },
    h('thead', h('tr', columns.map(c => h('th', { class: c.class }, c.title)))),
    h('tbody', rows.map(r => h('tr', { class: rowClass ? rowClass(r) : null },
      columns.map(c => h('td', { class: c.class }, c.cell(r)))))));
}

export function stateBadge(state) {
  return h('span.badge.state-' + String(state || 'none').toLowerCase(), state || '—');
}

export function pill(text, kind) {
  return h('span.pill' + (kind ? '.' + kind : ''), text);
}

/** key=value pills for labels and maps. */
export function kv(map) {
  const entries = Object.entries(map || {});
  if (!entries.length) return h('span.muted', '—');
  return h('span.kvs', entries.map(([k, v]) => h('span.pill', k + '=' + v)));
}

// ---- formatting

export function time(value) {
  if (value === null || value === undefined || value === '') return '—';
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (isNaN(d)) return String(value);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeEl(value) {
  if (value === null || value === undefined) return h('span.muted', '—');
  return h('time', { title: String(value), datetime: String(value) }, ago(value));
}

export function ago(value) {
  const d = new Date(value);
  if (isNaN(d)) return String(value);
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? abs + 's' : abs < 3600 ? Math.round(abs / 60) + 'm' : abs < 86400 ? Math.round(abs / 3600) + 'h' : Math.round(abs / 86400) + 'd';
  return s >= 0 ? text + ' ago' : 'in ' + text;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  const neg = ms < 0;
  ms = Math.abs(ms);
  const text = ms < 1000 ? ms + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s' : ms < 3600000 ? Math.floor(ms / 60000) + 'm ' + Math.round((ms % 60000) / 1000) + 's' : Math.floor(ms / 3600000) + 'h ' + Math.round((ms % 3600000) / 60000) + 'm';
  return (neg ? '−' : '') + text;
}

export function percent(share) {
  if (share === null || share === undefined) return '—';
  return Math.round(share * 100) + '%';
}

export function commandText(task) {
  if (!task) return '';
  if (task.shell) return task.shell;
  return (task.command || []).map(a => /[\s"'\\$`]/.test(a) || a === '' ? JSON.stringify(a) : a).join(' ');
}

// ---- feedback

export function toast(message, kind = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) document.body.appendChild(box = h('div#toasts'));
  const t = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : 'status' }, message);
  box.appendChild(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

/** Runs an API call from a button: disables it meanwhile, reports success or the server's message. */
export async function act(button, fn, done) {
  if (button) button.disabled = true;
  try {
    const result = await fn();
    if (done) toast(typeof done === 'function' ? done(result) : done);
    return result;
  } catch (e) {
    if (e.status !== 401) toast(e.message, 'error');
    throw e;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A modal confirmation; resolves true when confirmed. */
export function confirmDialog(title, body, confirmText = 'Confirm', danger = true) {
  return new Promise(resolve => {
    const dlg = h('dialog.confirm',
      h('h3', title),
      h('div.dialog-body', body),
      h('div.actions',
        h('button.btn', { type: 'button', onclick: () => { dlg.close(); resolve(false); } }, 'Cancel'),
        h('button.btn' + (danger ? '.danger' : '.primary') + '#confirm-ok',
          { type: 'button', onclick: () => { dlg.close(); resolve(true); } }, confirmText)));
    dlg.addEventListener('close', () => { dlg.remove(); resolve(false); });
    document.body.appendChild(dlg);
    dlg.showModal();
  });
}

/** A labelled form field. */
export function field(label, input, hint) {
  return h('label.field', h('span.label', label), input, hint ? h('span.hint', hint) : null);
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
