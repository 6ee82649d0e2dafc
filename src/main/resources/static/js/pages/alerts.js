// Alerts: the notices sent (FIRING, RESOLVED), the rules that raise them, and the channels they go to.
// Rules and channels are changed by admins; the channels' API is for admins only, so only they see that section.
import { api, enc } from '../api.js';
import { h, replace, table, stateBadge, act, field, time, pill, confirmDialog } from '../dom.js';

const KINDS = ['task-exhausted', 'job-missed', 'job-silent', 'agent-dead', 'agent-overloaded', 'queue-age', 'quarantine'];
const PAGE = 50;

export async function render(ctx) {
  const sent = h('section.panel#alerts-sent');
  const rules = h('section.panel#alert-rules');
  const channels = h('section.panel#alert-channels');
  ctx.el.append(h('div.page-head', h('h1', 'Alerts')), sent, rules, ctx.can('admin') ? channels : '');
  const filter = { rule: ctx.params.get('rule') || '', state: ctx.params.get('state') || '', subject: ctx.params.get('subject') || '', offset: 0 };
  const drawSent = async () => {
    const page = await api.get('/api/alerts', { ...filter, limit: PAGE });
    if (!ctx.live()) return;
    replace(sent, h('h2', 'Alerts sent ', h('span.muted', String(page.total))), filters(filter, drawSent),
      table([
        { title: 'when', cell: a => time(a.at) },
        { title: 'state', cell: a => stateBadge(a.state) },
        { title: 'rule', cell: a => a.rule },
        { title: 'subject', cell: a => a.subject },
        { title: 'summary', cell: a => h('span.clip', { title: a.summary }, a.summary) },
        { title: 'since', cell: a => time(a.startedAt) },
        { title: 'channels', cell: a => channelPills(a.channels) },
      ], page.alerts, { empty: 'No alert was sent.', id: 'alert-table' }),
      h('div.actions',
        h('button.btn.small', { type: 'button', disabled: filter.offset === 0, onclick: () => { filter.offset = Math.max(0, filter.offset - PAGE); drawSent(); } }, 'Newer'),
        h('button.btn.small', { type: 'button', disabled: filter.offset + PAGE >= page.total, onclick: () => { filter.offset += PAGE; drawSent(); } }, 'Older')));
  };
  const drawRules = async () => {
    const page = await api.get('/api/alert-rules', { limit: 500 });
    if (!ctx.live()) return;
    replace(rules, h('h2', 'Rules ', h('span.muted', String(page.total)), ' ',
      ctx.can('admin') ? h('a.btn.small.primary#new-alert-rule', { href: '#/alerts/rules/new' }, 'New rule') : ''),
    table([
      { title: 'name', cell: r => r.name },
      { title: 'kind', cell: r => pill(r.kind) },
      { title: 'parameters', cell: r => parameters(r) },
      { title: 'channels', cell: r => channelPills(r.channels) },
      { title: 'enabled', cell: r => r.enabled ? 'yes' : h('span.muted', 'no') },
      { title: 'held back', cell: r => String(r.suppressed), class: 'num' },
      { title: 'defined in', cell: r => r.definedIn },
      { title: '', cell: r => ctx.can('admin') && r.definedIn === 'api' ? ruleActions(r, drawRules) : '' },
    ], page.rules, { empty: 'No alert rule.', id: 'alert-rule-table' }));
  };
  const drawChannels = async () => {
    let list;
    try {
      list = await api.get('/api/alert-channels');
    } catch (e) {
      if (ctx.live()) replace(channels, h('h2', 'Channels'), h('p.empty', 'The channels cannot be read: ' + e.message));
      return;
    }
    if (!ctx.live()) return;
    replace(channels, h('h2', 'Channels ', h('a.btn.small.primary#new-alert-channel', { href: '#/alerts/channels/new' }, 'New channel')),
      table([
        { title: 'name', cell: c => c.name },
        { title: 'kind', cell: c => pill(c.kind) },
        { title: 'sends to', cell: c => c.kind === 'email' ? (c.to || []).join(', ') : h('span.mono.clip', c.url || '') },
        { title: 'secret', cell: c => c.kind === 'webhook' ? (c.secretSet ? 'set' : 'not set') : '—' },
        { title: 'defined in', cell: c => c.definedIn },
        { title: '', cell: c => c.definedIn === 'api' ? channelActions(c, drawChannels) : '' },
      ], list.channels, { empty: 'No channel.', id: 'alert-channel-table' }));
  };
  await Promise.all([drawSent(), drawRules(), ctx.can('admin') ? drawChannels() : null]);
  ctx.every(5000, drawSent);
}

function filters(filter, redraw) {
  const rule = h('input#alert-filter-rule', { value: filter.rule, placeholder: 'rule' });
  const subject = h('input#alert-filter-subject', { value: filter.subject, placeholder: 'subject, e.g. agent a1' });
  const state = h('select#alert-filter-state', ['', 'FIRING', 'RESOLVED'].map(s =>
    h('option', { value: s, selected: s === filter.state }, s || 'any state')));
  return h('form.inline-form', {
    onsubmit: e => {
      e.preventDefault();
      Object.assign(filter, { rule: rule.value.trim(), subject: subject.value.trim(), state: state.value, offset: 0 });
      redraw();
    },
  }, rule, state, subject, h('button.btn.small', { type: 'submit' }, 'Filter'));
}

function parameters(r) {
  const parts = [['type', r.type], ['job', r.job], ['priority', r.priority], ['per task', r.perTask ? 'yes' : null],
    ['after', r.after], ['quiet', r.quiet]].filter(([, v]) => v);
  return parts.length ? h('span.kvs', parts.map(([k, v]) => h('span.pill', k + '=' + v))) : h('span.muted', '—');
}

function channelPills(names) {
  return names && names.length ? h('span.kvs', names.map(n => pill(n))) : h('span.muted', 'none');
}

function ruleActions(r, redraw) {
  return h('span.actions',
    h('a.btn.small', { href: '#/alerts/rules/' + enc(r.id) + '/edit' }, 'Edit'),
    h('button.btn.small', {
      type: 'button',
      onclick: async e => {
        await act(e.target, () => api.post(`/api/alert-rules/${enc(r.id)}/${r.enabled ? 'disable' : 'enable'}`), r.enabled ? 'Disabled' : 'Enabled');
        await redraw();
      },
    }, r.enabled ? 'Disable' : 'Enable'),
    deleteButton(`Delete alert rule ${r.name}?`, 'Its open incidents end without a notice; the alerts it sent stay listed.',
      '/api/alert-rules/' + enc(r.id), redraw));
}

function channelActions(c, redraw) {
  return h('span.actions',
    h('a.btn.small', { href: '#/alerts/channels/' + enc(c.name) + '/edit' }, 'Edit'),
    deleteButton(`Delete channel ${c.name}?`, 'Rules naming it deliver there no more.', '/api/alert-channels/' + enc(c.name), redraw));
}

/** Delete, after a confirmation saying what follows. */
function deleteButton(question, consequence, path, redraw) {
  return h('button.btn.small.danger', {
    type: 'button',
    onclick: async e => {
      if (!await confirmDialog(question, h('p', consequence), 'Delete')) return;
      await act(e.target, () => api.del(path), 'Deleted');
      await redraw();
    },
  }, 'Delete');
}

/** The form for a new rule or a rule's whole definition. */
export async function renderRule(ctx) {
  const id = ctx.args[0];
  const r = id ? await api.get('/api/alert-rules/' + enc(id)) : null;
  const name = h('input#alert-rule-name', { value: r?.name || '', required: true });
  const kind = h('select#alert-rule-kind', KINDS.map(k => h('option', { value: k, selected: r?.kind === k }, k)));
  const type = h('input#alert-rule-type', { value: r?.type || '', placeholder: 'any' });
  const job = h('input#alert-rule-job', { value: r?.job || '', placeholder: 'any (job-silent: required)' });
  const priority = h('select#alert-rule-priority', ['', 'urgent', 'normal'].map(p => h('option', { value: p, selected: (r?.priority || '') === p }, p || 'any')));
  const perTask = h('input#alert-rule-per-task', { type: 'checkbox', checked: !!r?.perTask });
  const after = h('input#alert-rule-after', { value: r?.after || '', placeholder: 'e.g. 10m' });
  const quiet = h('input#alert-rule-quiet', { value: r?.quiet || '', placeholder: 'default from the configuration' });
  const channels = h('input#alert-rule-channels', { value: (r?.channels || []).join(', '), placeholder: 'ops-hook, ops-mail' });
  const enabled = h('input#alert-rule-enabled', { type: 'checkbox', checked: r ? r.enabled : true });
  const error = h('p.form-error', { role: 'alert' });
  const text = input => input.value.trim() || undefined;
  ctx.el.append(
    h('div.page-head', h('h1', r ? 'Edit alert rule ' + r.name : 'New alert rule')),
    h('form.panel', {
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        const body = {
          name: name.value.trim(), kind: kind.value, type: text(type), job: text(job), priority: priority.value || undefined,
          perTask: perTask.checked || undefined, after: text(after), quiet: text(quiet), enabled: enabled.checked,
          channels: channels.value.split(',').map(c => c.trim()).filter(c => c),
        };
        try {
          await (r ? api.put('/api/alert-rules/' + enc(r.id), body) : api.post('/api/alert-rules', body));
          ctx.go('#/alerts');
        } catch (err) { error.textContent = err.message; }
      },
    },
    h('div.form-grid', field('Name', name), field('Kind', kind),
      field('Type', type, 'task-exhausted, queue-age'), field('Job', job, 'task-exhausted, job-missed, job-silent'),
      field('Priority', priority, 'queue-age'), field('Per task', h('label.inline', perTask, ' one incident per task'), 'task-exhausted'),
      field('After', after, 'job-silent, agent-overloaded, queue-age'), field('Quiet', quiet, 'task-exhausted, job-missed: resolved after this long without another'),
      field('Channels', channels, 'names, comma-separated'), field('Enabled', h('label.inline', enabled, ' watch this rule'))),
    error,
    h('div.actions', h('a.btn', { href: '#/alerts' }, 'Cancel'), h('button.btn.primary#save-alert-rule', { type: 'submit' }, 'Save'))));
}

/** The form for a new channel or a channel's definition (its name stays; a secret left empty keeps the stored one). */
export async function renderChannel(ctx) {
  const channelName = ctx.args[0];
  const c = channelName ? await api.get('/api/alert-channels/' + enc(channelName)) : null;
  const name = h('input#alert-channel-name', { value: c?.name || '', required: true, disabled: !!c });
  const kind = h('select#alert-channel-kind', ['webhook', 'email'].map(k => h('option', { value: k, selected: c?.kind === k }, k)));
  const url = h('input#alert-channel-url', { value: c?.url || '', placeholder: 'https://hooks.example.com/caravan' });
  const secret = h('input#alert-channel-secret', { type: 'password', autocomplete: 'new-password', placeholder: c?.secretSet ? 'set; leave empty to keep it' : '16 characters or more' });
  const to = h('input#alert-channel-to', { value: (c?.to || []).join(', '), placeholder: 'ops@example.com' });
  const error = h('p.form-error', { role: 'alert' });
  ctx.el.append(
    h('div.page-head', h('h1', c ? 'Edit channel ' + c.name : 'New channel')),
    h('form.panel', {
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        const body = { kind: kind.value };
        if (!c) body.name = name.value.trim();
        if (kind.value === 'webhook') {
          body.url = url.value.trim();
          if (secret.value) body.secret = secret.value;
        } else {
          body.to = to.value.split(',').map(a => a.trim()).filter(a => a);
        }
        try {
          await (c ? api.put('/api/alert-channels/' + enc(c.name), body) : api.post('/api/alert-channels', body));
          ctx.go('#/alerts');
        } catch (err) { error.textContent = err.message; }
      },
    },
    h('div.form-grid', field('Name', name), field('Kind', kind), field('URL', url, 'webhook'),
      field('Secret', secret, 'webhook: requests are signed with it (HMAC-SHA256); never shown again'),
      field('To', to, 'email: addresses, comma-separated')),
    error,
    h('div.actions', h('a.btn', { href: '#/alerts' }, 'Cancel'), h('button.btn.primary#save-alert-channel', { type: 'submit' }, 'Save'))));
}
