// Workflows: graphs of tasks that wait for each other; the list, and one workflow with its tasks in the order given.
import { api, enc } from '../api.js';
import { h, replace, table, stateBadge, kv, time, timeEl, act, confirmDialog } from '../dom.js';

export async function renderList(ctx) {
  const body = h('div');
  ctx.el.append(h('div.page-head', h('h1', 'Workflows')), body);
  const draw = async () => {
    const page = await api.get('/api/workflows', { limit: 100 });
    if (!ctx.live()) return;
    replace(body, table([
      { title: 'workflow', cell: w => h('a', { href: '#/workflows/' + enc(w.id) }, w.name || h('span.mono', w.id.slice(0, 8))) },
      { title: 'state', cell: w => stateBadge(w.state) },
      { title: 'tasks', cell: w => kv(w.taskStates) },
      { title: 'created', cell: w => timeEl(w.createdAt) },
      { title: 'finished', cell: w => time(w.finishedAt) },
    ], page.workflows, { empty: 'No workflows. Submit one with POST /api/workflows (docs/api.md).', id: 'workflow-table' }));
  };
  await draw();
  ctx.every(5000, draw);
}

export async function renderOne(ctx) {
  const id = ctx.args[0];
  const head = h('div.page-head');
  const body = h('div');
  ctx.el.append(head, body);
  const draw = async () => {
    const w = await api.get('/api/workflows/' + enc(id));
    if (!ctx.live()) return;
    replace(head, h('h1', 'Workflow ', w.name || h('span.mono', w.id)), stateBadge(w.state),
      h('div.actions', actions(ctx, w, draw)));
    replace(body,
      h('section.panel', h('h2', 'Tasks ', h('a.small', { href: '#/tasks?workflow=' + enc(w.id) }, 'in the task list →')),
        table([
          { title: 'name', cell: t => t.name },
          { title: 'task', cell: t => h('a.mono', { href: '#/tasks/' + enc(t.taskId) }, t.taskId.slice(0, 8)) },
          { title: 'state', cell: t => stateBadge(t.state) },
          { title: 'depends on', cell: t => t.dependsOn.length ? t.dependsOn.join(', ') : h('span.muted', '—') },
          { title: 'when a parent fails', cell: t => t.whenParentFails || h('span.muted', '—') },
        ], w.tasks, { id: 'workflow-tasks' })),
      h('dl.props',
        h('dt', 'id'), h('dd.mono', w.id), h('dt', 'key'), h('dd', w.key || '—'),
        h('dt', 'created'), h('dd', time(w.createdAt)), h('dt', 'finished'), h('dd', time(w.finishedAt))));
  };
  await draw();
  ctx.every(2000, draw);
}

function actions(ctx, w, redraw) {
  if (!ctx.can('operator') || w.state !== 'RUNNING') return [];
  return [h('button.btn.danger#workflow-cancel', {
    type: 'button',
    onclick: async e => {
      if (!await confirmDialog('Cancel this workflow?', h('p', 'Its waiting tasks end CANCELLED, and so does what runs.'), 'Cancel it')) return;
      await act(e.target, () => api.del('/api/workflows/' + enc(w.id)), 'Cancelled');
      await redraw();
    },
  }, 'Cancel')];
}
