// Users (admin), API tokens (yours; admin: everyone's) and the audit trail (admin).
import { api, enc } from '../api.js';
import { h, replace, table, act, field, time, timeEl, pill, confirmDialog, toast } from '../dom.js';

const ROLES = ['viewer', 'operator', 'admin'];
const roleSelect = (id, max, selected) => h('select#' + id,
  ROLES.slice(0, ROLES.indexOf(max) + 1).map(r => h('option', { value: r, selected: r === selected }, r)));

export async function renderUsers(ctx) {
  const list = h('div#users');
  ctx.el.append(h('div.page-head', h('h1', 'Users')));
  const draw = async () => {
    const data = await api.get('/api/users');
    const users = Array.isArray(data) ? data : data.users;
    replace(list, table([
      { title: 'name', cell: u => h('strong', u.name) },
      { title: 'role', cell: u => h('span.role.role-' + u.role, u.role) },
      { title: 'created', cell: u => time(u.createdAt) },
      { title: '', cell: u => h('span.actions',
        roleChanger(u, draw),
        h('button.btn.small', { type: 'button', onclick: () => passwordDialog(u) }, 'Set password'),
        u.name !== ctx.session.name ? h('button.btn.small.danger', {
          type: 'button',
          onclick: async e => {
            if (!await confirmDialog(`Delete user ${u.name}?`, h('p', 'Their sessions and tokens stop working.'), 'Delete')) return;
            await act(e.target, () => api.del('/api/users/' + enc(u.name)), 'Deleted');
            await draw();
          },
        }, 'Delete') : null) },
    ], users, { id: 'user-table' }));
  };
  const name = h('input#user-name', { required: true, autocomplete: 'off' });
  const password = h('input#user-password', { type: 'password', required: true, autocomplete: 'new-password' });
  const role = roleSelect('user-role', 'admin', 'viewer');
  const error = h('p.form-error', { role: 'alert' });
  ctx.el.append(h('form.panel.form-row#user-form', {
    onsubmit: async e => {
      e.preventDefault();
      error.textContent = '';
      try {
        await api.post('/api/users', { name: name.value.trim(), password: password.value, role: role.value });
        toast('User ' + name.value.trim() + ' created');
        name.value = ''; password.value = '';
        await draw();
      } catch (err) { error.textContent = err.message; }
    },
  }, h('h2', 'New user'), field('Name', name), field('Password', password), field('Role', role),
  h('button.btn.primary#user-create', { type: 'submit' }, 'Create'), error), list);
  await draw();
}

function roleChanger(u, redraw) {
  const sel = roleSelect('role-' + u.name.replace(/[^A-Za-z0-9_-]/g, '_'), 'admin', u.role);
  sel.classList.add('small');
  sel.addEventListener('change', async () => {
    try {
      await act(sel, () => api.put('/api/users/' + enc(u.name), { role: sel.value }), `${u.name} is ${sel.value} now`);
    } finally { await redraw(); }
  });
  return sel;
}

function passwordDialog(u) {
  const pw = h('input', { type: 'password', required: true, autocomplete: 'new-password' });
  const error = h('p.form-error');
  const dlg = h('dialog', h('form', {
    onsubmit: async e => {
      e.preventDefault();
      try {
        await api.put('/api/users/' + enc(u.name), { password: pw.value });
        dlg.close();
        toast('Password of ' + u.name + ' set');
      } catch (err) { error.textContent = err.message; }
    },
  }, h('h3', 'New password for ' + u.name), field('Password', pw), error,
  h('div.actions', h('button.btn', { type: 'button', onclick: () => dlg.close() }, 'Cancel'), h('button.btn.primary', { type: 'submit' }, 'Set'))));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
}

export async function renderTokens(ctx) {
  const list = h('div#tokens');
  const shown = h('div#token-shown');
  const draw = async () => {
    const data = await api.get('/api/tokens');
    const tokens = Array.isArray(data) ? data : data.tokens;
    replace(list, table([
      { title: 'name', cell: t => h('strong', t.name) },
      ctx.can('admin') ? { title: 'user', cell: t => t.user ?? t.owner ?? '' } : null,
      { title: 'role', cell: t => h('span.role.role-' + t.role, t.role) },
      { title: 'created', cell: t => time(t.createdAt) },
      { title: 'expires', cell: t => t.expiresAt ? timeEl(t.expiresAt) : h('span.muted', 'never') },
      { title: 'last used', cell: t => t.lastUsedAt ? timeEl(t.lastUsedAt) : h('span.muted', '—') },
      { title: '', cell: t => h('button.btn.small.danger', {
        type: 'button',
        onclick: async e => {
          if (!await confirmDialog(`Revoke token ${t.name}?`, h('p', 'Whatever uses it is refused from now on.'), 'Revoke')) return;
          await act(e.target, () => api.del('/api/tokens/' + enc(t.id)), 'Revoked');
          await draw();
        },
      }, 'Revoke') },
    ].filter(Boolean), tokens, { empty: 'No tokens.', id: 'token-table' }));
  };
  const name = h('input#token-name', { required: true, placeholder: 'ci-deploy' });
  const role = roleSelect('token-role', ctx.session.role, ctx.session.role === 'admin' ? 'operator' : ctx.session.role);
  const expires = h('input#token-expires', { type: 'date' });
  const error = h('p.form-error', { role: 'alert' });
  ctx.el.append(h('div.page-head', h('h1', 'API tokens')),
    h('form.panel.form-row#token-form', {
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        const body = { name: name.value.trim(), role: role.value };
        if (expires.value) body.expiresAt = new Date(expires.value + 'T23:59:59').toISOString();
        try {
          const created = await api.post('/api/tokens', body);
          name.value = '';
          replace(shown, h('div.notice.token-once',
            h('strong', 'Token ' + created.name + ' — copy it now, it is not shown again:'),
            h('pre.code#token-value', created.token),
            h('button.btn.small', { type: 'button', onclick: () => navigator.clipboard?.writeText(created.token).then(() => toast('Copied')) }, 'Copy'),
            h('button.btn.small', { type: 'button', onclick: () => replace(shown) }, 'Done')));
          await draw();
        } catch (err) { error.textContent = err.message; }
      },
    }, h('h2', 'New token'), field('Name', name), field('Role', role), field('Expires (optional)', expires),
    h('button.btn.primary#token-create', { type: 'submit' }, 'Create'), error),
    shown, list);
  await draw();
}

// "ok 201", or why it was refused with its status: "403 this needs the role admin; ...". An outcome that names its
// status already ("refused with status 400") is shown as it is.
const auditOutcome = (e) => {
  const outcome = e.outcome || '';
  if (!e.status || outcome.includes(String(e.status))) return outcome;
  return outcome === 'ok' ? `ok ${e.status}` : `${e.status} ${outcome}`;
};

export async function renderAudit(ctx) {
  const p = ctx.params;
  const F = ['actor', 'action', 'target', 'from', 'to'];
  const inputs = Object.fromEntries(F.map(f => [f, h('input#audit-' + f, {
    value: p.get(f) || '', placeholder: f, type: f === 'from' || f === 'to' ? 'datetime-local' : 'text',
  })]));
  const offset = Math.max(0, Number(p.get('offset')) || 0);
  const limit = 100;
  ctx.el.append(h('div.page-head', h('h1', 'Audit trail')),
    h('form.filters#audit-filters', {
      onsubmit: e => {
        e.preventDefault();
        const q = new URLSearchParams();
        F.forEach(f => { if (inputs[f].value.trim()) q.set(f, inputs[f].value.trim()); });
        ctx.go('#/audit' + (q.toString() ? '?' + q : ''));
      },
    }, F.map(f => f === 'from' || f === 'to' ? h('label.inline', f + ' ', inputs[f]) : inputs[f]),
    h('button.btn', { type: 'submit' }, 'Filter'), h('a.btn.ghost', { href: '#/audit' }, 'Clear')));
  const query = { limit, offset };
  F.forEach(f => {
    const v = p.get(f);
    if (v) query[f] = (f === 'from' || f === 'to') ? new Date(v).toISOString() : v;
  });
  const page = await api.get('/api/audit', query);
  const more = (o, text) => {
    const q = new URLSearchParams(p);
    q.set('offset', o);
    return h('a.btn.small', { href: '#/audit?' + q }, text);
  };
  ctx.el.append(
    h('div.list-head', h('span', `${page.total} entries`),
      h('span.pager', offset > 0 ? more(Math.max(0, offset - limit), '‹ newer') : null,
        offset + limit < page.total ? more(offset + limit, 'older ›') : null)),
    table([
      { title: 'when', cell: e => time(e.at) },
      { title: 'actor', cell: e => h('strong', e.actor) },
      { title: 'via', cell: e => e.via },
      { title: 'address', cell: e => h('span.mono', e.address || '') },
      { title: 'action', cell: e => h('span.mono', e.action) },
      { title: 'target', cell: e => h('span.mono.clip', e.target || '') },
      { title: 'outcome', cell: e => pill(auditOutcome(e), /^(ok|success|done)/i.test(e.outcome || '') || (e.status >= 200 && e.status < 300) ? 'ok' : 'bad') },
    ], page.entries, { empty: 'No entries match.', id: 'audit-table' }));
}
