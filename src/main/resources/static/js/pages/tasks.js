// Tasks: filters, paging through any number, bulk retry/cancel of the filtered set, and a submit form.
import { api, enc } from '../api.js';
import { h, replace, table, stateBadge, timeEl, commandText, act, confirmDialog, field, toast, pill } from '../dom.js';
import { taskFields } from '../forms.js';

const STATES = ['WAITING', 'QUEUED', 'DISPATCHED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];
const FILTERS = ['state', 'type', 'agent', 'job', 'broadcast', 'resident', 'workflow', 'key', 'exhausted'];
const PAGE = 50;

export async function render(ctx) {
  const p = ctx.params;
  const filter = Object.fromEntries(FILTERS.map(f => [f, p.get(f) || '']));
  const offset = Math.max(0, Number(p.get('offset')) || 0);

  const inputs = {
    state: h('select#filter-state', h('option', { value: '' }, 'any state'),
      STATES.map(s => h('option', { value: s, selected: filter.state === s }, s))),
    type: h('input#filter-type', { value: filter.type, placeholder: 'type' }),
    agent: h('input#filter-agent', { value: filter.agent, placeholder: 'agent' }),
    job: h('input#filter-job', { value: filter.job, placeholder: 'job id' }),
    broadcast: h('input#filter-broadcast', { value: filter.broadcast, placeholder: 'broadcast id' }),
    resident: h('input#filter-resident', { value: filter.resident, placeholder: 'resident id' }),
    workflow: h('input#filter-workflow', { value: filter.workflow, placeholder: 'workflow id' }),
    key: h('input#filter-key', { value: filter.key, placeholder: 'key' }),
    exhausted: h('input#filter-exhausted', { type: 'checkbox', checked: filter.exhausted === 'true' }),
  };
  const idInput = h('input#filter-id.mono', { placeholder: 'task id → open' });
  const apply = event => {
    event?.preventDefault();
    if (idInput.value.trim()) { ctx.go('#/tasks/' + enc(idInput.value.trim())); return; }
    const q = new URLSearchParams();
    for (const f of FILTERS) {
      const v = f === 'exhausted' ? (inputs.exhausted.checked ? 'true' : '') : inputs[f].value.trim();
      if (v) q.set(f, v);
    }
    ctx.go('#/tasks' + (q.toString() ? '?' + q : ''));
  };
  inputs.state.addEventListener('change', apply);
  inputs.exhausted.addEventListener('change', apply);

  const actions = h('div.actions');
  if (ctx.can('operator')) {
    actions.append(h('button.btn.primary#new-task', { type: 'button', onclick: () => submitDialog(ctx) }, 'Submit task'));
  }
  ctx.el.append(
    h('div.page-head', h('h1', 'Tasks'), actions),
    h('form.filters#task-filters', { onsubmit: apply },
      inputs.state, inputs.type, inputs.agent, inputs.job, inputs.broadcast, inputs.resident, inputs.workflow,
      inputs.key,
      h('label.inline', inputs.exhausted, ' no attempts left'),
      idInput,
      h('button.btn#filter-apply', { type: 'submit' }, 'Filter'),
      h('a.btn.ghost', { href: '#/tasks' }, 'Clear'),
      h('a.btn.ghost#dead-letter', { href: '#/tasks?state=FAILED&exhausted=true' }, 'Dead letters')));

  const results = h('div#task-results');
  ctx.el.append(results);
  const query = { ...filter, limit: PAGE, offset };
  const draw = async () => {
    const page = await api.get('/api/tasks', query);
    if (!ctx.live()) return;
    replace(results, listView(ctx, page, filter, offset));
  };
  await draw();
  ctx.every(5000, draw);
}

function listView(ctx, page, filter, offset) {
  const total = page.total ?? page.tasks.length;
  const filtered = FILTERS.some(f => filter[f]);
  const bulk = h('div.actions');
  if (ctx.can('operator') && total > 0) {
    bulk.append(
      h('button.btn#bulk-retry', { type: 'button', onclick: e => bulkAction(ctx, e.target, 'retry', filter, total) }, `Retry ${filtered ? 'these' : 'all'} ${total}`),
      h('button.btn.danger#bulk-cancel', { type: 'button', onclick: e => bulkAction(ctx, e.target, 'cancel', filter, total) }, `Cancel ${filtered ? 'these' : 'all'} ${total}`));
  }
  return [
    h('div.list-head', h('span#task-total', `${total} task${total === 1 ? '' : 's'}`), pager(filter, offset, total), bulk),
    table([
      { title: 'id', cell: t => h('a.mono', { href: '#/tasks/' + enc(t.id) }, t.id.slice(0, 8)) },
      { title: 'state', cell: t => [stateBadge(t.state), t.exhausted ? pill('exhausted', 'bad') : null] },
      { title: 'command', cell: t => h('span.mono.clip', { title: commandText(t) }, commandText(t)) },
      { title: 'type', cell: t => t.type },
      { title: 'agent', cell: t => t.agent || h('span.muted', '—') },
      { title: 'attempt', cell: t => String(t.attempt), class: 'num' },
      { title: 'from', cell: t => t.jobId ? h('a', { href: '#/jobs/' + enc(t.jobId) }, 'job') : t.residentId ? h('a', { href: '#/residents/' + enc(t.residentId) }, 'resident') : t.broadcastId ? h('a', { href: '#/tasks?broadcast=' + enc(t.broadcastId) }, 'broadcast') : t.key ? h('span.muted', 'key ' + t.key) : '' },
      { title: 'created', cell: t => timeEl(t.createdAt) },
      { title: 'exit', cell: t => t.exitCode == null ? '' : String(t.exitCode), class: 'num' },
    ], page.tasks, { empty: 'No task matches.', id: 'task-table' }),
    h('div.list-foot', pager(filter, offset, total)),
  ];
}

function pager(filter, offset, total) {
  const link = (o, text, id) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v));
    if (o > 0) q.set('offset', o);
    return h('a.btn.small', { href: '#/tasks' + (q.toString() ? '?' + q : ''), id }, text);
  };
  const last = Math.max(0, Math.floor((total - 1) / PAGE) * PAGE);
  return h('span.pager',
    offset > 0 ? [link(0, '« first'), link(Math.max(0, offset - PAGE), '‹ newer', 'page-prev')] : null,
    h('span.muted', total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}` : ''),
    offset + PAGE < total ? [link(offset + PAGE, 'older ›', 'page-next'), link(last, 'last »')] : null);
}

/** The filter as the bulk endpoints take it: the list's query fields. */
function bulkBody(filter) {
  const body = {};
  for (const [k, v] of Object.entries(filter)) {
    if (!v) continue;
    body[k] = k === 'exhausted' ? v === 'true' : v;
  }
  return body;
}

async function bulkAction(ctx, button, verb, filter, total) {
  const words = Object.entries(filter).filter(([, v]) => v).map(([k, v]) => `${k} = ${v}`);
  const ok = await confirmDialog(
    `${verb === 'retry' ? 'Retry' : 'Cancel'} ${total} task${total === 1 ? '' : 's'}?`,
    [h('p', words.length ? 'Every task where ' + words.join(', ') + '.' : 'Every task, unfiltered.'),
      h('p.muted', verb === 'retry' ? 'Only failed, timed-out and cancelled tasks are retried; others are skipped.'
        : 'Tasks that already ended are skipped.')],
    verb === 'retry' ? 'Retry them' : 'Cancel them', verb === 'cancel');
  if (!ok) return;
  const result = await act(button, () => api.post('/api/tasks/bulk-' + verb, bulkBody(filter)));
  const rest = result.limit && result.matched > result.limit
    ? `; one call acts on ${result.limit} at most: ${verb} again for the rest` : '';
  toast(`${result.matched} matched, ${result.done} ${verb === 'retry' ? 'retried' : 'cancelled'}, ${result.skipped} skipped${rest}`);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

function submitDialog(ctx) {
  const fields = taskFields({}, { retry: true, target: true });
  const error = h('p.form-error#submit-error', { role: 'alert' });
  const key = h('input#task-key', { placeholder: 'optional idempotency key' });
  const submit = h('button.btn.primary#submit-task', { type: 'submit' }, 'Submit');
  const dlg = h('dialog.wide',
    h('form', {
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        let body;
        try {
          body = fields.value();
          if (key.value.trim()) body.key = key.value.trim();
        } catch (e) { error.textContent = e.message; return; }
        submit.disabled = true;
        try {
          const created = await api.post('/api/tasks', body);
          dlg.close();
          if (created.broadcast) ctx.go('#/tasks?broadcast=' + enc(created.broadcast));
          else ctx.go('#/tasks/' + enc(created.id));
        } catch (e) {
          error.textContent = e.message;
        } finally { submit.disabled = false; }
      },
    },
    h('h3', 'Submit a task'),
    fields.el,
    field('Key', key),
    error,
    h('div.actions', h('button.btn', { type: 'button', onclick: () => dlg.close() }, 'Close'), submit)));
  dlg.addEventListener('close', () => dlg.remove());
  document.body.append(dlg);
  dlg.showModal();
}
