// The quarantine: messages a loop set aside; replay or drop (admin).
import { api, enc } from '../api.js';
import { h, table, act, time, confirmDialog, pill } from '../dom.js';

export async function render(ctx) {
  const entries = await api.get('/api/quarantine');
  const refresh = () => dispatchEvent(new HashChangeEvent('hashchange'));
  ctx.el.append(h('div.page-head', h('h1', 'Quarantine'), h('span.muted', `${entries.length} set aside`)),
    table([
      { title: 'when', cell: q => time(q.at) },
      { title: 'loop', cell: q => pill(q.loop) },
      { title: 'where', cell: q => q.where },
      { title: 'attempts', cell: q => String(q.attempts), class: 'num' },
      { title: 'error', cell: q => h('span.clip', { title: q.error }, q.error) },
      { title: 'message', cell: q => h('details', h('summary', 'show'), h('pre.code', typeof q.message === 'string' ? q.message : JSON.stringify(q.message, null, 2))) },
      { title: '', cell: q => ctx.can('admin') ? h('span.actions',
        q.replay !== false ? h('button.btn.small', { type: 'button', onclick: async e => { await act(e.target, () => api.post(`/api/quarantine/${enc(q.id)}/replay`), 'Given back to ' + q.loop); refresh(); } }, 'Replay') : null,
        h('button.btn.small.danger', {
          type: 'button',
          onclick: async e => {
            if (!await confirmDialog('Drop this message for good?', h('p', 'It cannot be replayed afterwards.'), 'Drop')) return;
            await act(e.target, () => api.del('/api/quarantine/' + enc(q.id)), 'Dropped');
            refresh();
          },
        }, 'Drop')) : '' },
    ], entries, { empty: 'Nothing is set aside.', id: 'quarantine-table' }));
}
