// Residents: long-running commands kept alive; list, one resident, scale and edit.
import { api, enc } from '../api.js';
import { h, replace, table, stateBadge, act, field, commandText, kv, time, confirmDialog } from '../dom.js';
import { taskFields } from '../forms.js';

export async function renderList(ctx) {
  const page = await api.get('/api/residents', { limit: 100 });
  ctx.el.append(
    h('div.page-head', h('h1', 'Residents'), h('span.muted', `${page.total}`),
      h('div.actions', ctx.can('admin') ? h('a.btn.primary#new-resident', { href: '#/residents/new' }, 'New resident') : null)),
    table([
      { title: 'name', cell: r => h('a', { href: '#/residents/' + enc(r.id) }, r.name) },
      { title: 'instances', cell: r => `${(r.alive || []).length} alive / ${r.instances} wanted`, class: 'num' },
      { title: 'failures in a row', cell: r => String(r.failuresInARow), class: 'num' },
      { title: 'command', cell: r => h('span.mono.clip', commandText(r.task)) },
      { title: 'labels', cell: r => kv(r.task.labels) },
    ], page.residents, { empty: 'No residents.', id: 'resident-table' }));
}

export async function renderOne(ctx) {
  const id = ctx.args[0];
  const head = h('div.page-head');
  const body = h('div');
  ctx.el.append(head, body);
  const draw = async () => {
    const r = await api.get('/api/residents/' + enc(id));
    if (!ctx.live()) return;
    replace(head, h('h1', 'Resident ', r.name), h('div.actions', actions(ctx, r, draw)));
    replace(body,
      h('div.cols',
        h('section.panel', h('h2', 'Definition'),
          h('pre.code', commandText(r.task)),
          h('dl.props',
            h('dt', 'instances'), h('dd#resident-instances', String(r.instances)),
            h('dt', 'restart backoff'), h('dd', `${r.restartBackoff} up to ${r.maxRestartBackoff}`),
            h('dt', 'failures in a row'), h('dd', String(r.failuresInARow)),
            h('dt', 'next start not before'), h('dd', time(r.nextStartNotBefore)),
            h('dt', 'type'), h('dd', r.task.type || 'default'),
            h('dt', 'env'), h('dd', kv(r.task.env)),
            h('dt', 'labels'), h('dd', kv(r.task.labels)))),
        h('section.panel', h('h2', 'Alive instances ', h('a.small', { href: '#/tasks?resident=' + enc(r.id) }, 'all →')),
          table([
            { title: 'task', cell: i => h('a.mono', { href: '#/tasks/' + enc(i.taskId) }, i.taskId.slice(0, 8)) },
            { title: 'state', cell: i => stateBadge(i.state) },
            { title: 'agent', cell: i => i.agent || '—' },
          ], r.alive, { empty: 'None alive.' }))));
  };
  await draw();
  ctx.every(3000, draw);
}

function actions(ctx, r, redraw) {
  if (!ctx.can('admin')) return [];
  const n = h('input#scale-count', { type: 'number', min: 0, max: 1000, value: r.instances, class: 'narrow' });
  return [
    h('form.inline-form', {
      onsubmit: async e => {
        e.preventDefault();
        await act(e.submitter, () => api.post(`/api/residents/${enc(r.id)}/scale`, { instances: Number(n.value) }), 'Scaled');
        await redraw();
      },
    }, n, h('button.btn#scale', { type: 'submit' }, 'Scale')),
    h('a.btn', { href: `#/residents/${enc(r.id)}/edit` }, 'Edit'),
    h('button.btn.danger', {
      type: 'button',
      onclick: async e => {
        if (!await confirmDialog(`Delete resident ${r.name}?`, h('p', 'Its alive instances are cancelled.'), 'Delete')) return;
        await act(e.target, () => api.del('/api/residents/' + enc(r.id)), 'Deleted');
        ctx.go('#/residents');
      },
    }, 'Delete'),
  ];
}

export async function renderEdit(ctx) {
  const id = ctx.args[0];
  const r = id ? await api.get('/api/residents/' + enc(id)) : null;
  const name = h('input#resident-name', { value: r?.name || '', required: true });
  const instances = h('input#resident-count', { type: 'number', min: 0, max: 1000, value: r?.instances ?? 1 });
  const backoff = h('input#resident-backoff', { value: r?.restartBackoff || '', placeholder: '1s' });
  const maxBackoff = h('input#resident-max-backoff', { value: r?.maxRestartBackoff || '', placeholder: '1m' });
  const task = taskFields(r?.task || {});
  const error = h('p.form-error', { role: 'alert' });
  ctx.el.append(
    h('div.page-head', h('h1', r ? 'Edit resident ' + r.name : 'New resident')),
    h('form.panel', {
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        let body;
        try {
          body = { name: name.value.trim(), instances: Number(instances.value), task: task.value() };
          if (backoff.value.trim()) body.restartBackoff = backoff.value.trim();
          if (maxBackoff.value.trim()) body.maxRestartBackoff = maxBackoff.value.trim();
        } catch (err) { error.textContent = err.message; return; }
        try {
          const saved = r ? await api.put('/api/residents/' + enc(r.id), body) : await api.post('/api/residents', body);
          ctx.go('#/residents/' + enc(saved.id));
        } catch (err) { error.textContent = err.message; }
      },
    },
    h('div.form-grid', field('Name', name), field('Instances', instances), field('Restart backoff', backoff), field('Max restart backoff', maxBackoff)),
    h('h2', 'Task'), task.el, error,
    h('div.actions', h('a.btn', { href: r ? '#/residents/' + enc(r.id) : '#/residents' }, 'Cancel'), h('button.btn.primary', { type: 'submit' }, 'Save'))));
}
