// Agents: resources, slots, types, labels, code versions and state; drain and resume.
import { api, enc } from '../api.js';
import { h, replace, table, kv, percent, timeEl, act, pill, confirmDialog } from '../dom.js';

export async function render(ctx) {
  const body = h('div#agents');
  const count = h('span.muted');
  ctx.el.append(h('div.page-head', h('h1', 'Agents'), count), body);
  const draw = async () => {
    const agents = await api.get('/api/agents');
    if (!ctx.live()) return;
    agents.sort((a, b) => (b.alive - a.alive) || a.status.id.localeCompare(b.status.id));
    count.textContent = `${agents.filter(a => a.alive).length} live of ${agents.length}`;
    replace(body, table([
      { title: 'agent', cell: a => h('strong', a.status.id) },
      { title: 'state', cell: a => state(a) },
      { title: 'slots', cell: a => slots(a) },
      { title: 'cpu', cell: a => meter(a.status.cpu), class: 'num' },
      { title: 'memory', cell: a => meter(a.status.memory), class: 'num' },
      { title: 'load/core', cell: a => a.status.load == null ? '—' : a.status.load.toFixed(2), class: 'num' },
      { title: 'cores', cell: a => String(a.status.cores ?? '—'), class: 'num' },
      { title: 'types', cell: a => h('span.kvs', (a.status.types || []).map(t => pill(t))) },
      { title: 'labels', cell: a => kv(a.status.labels) },
      { title: 'code', cell: a => code(a.status) },
      { title: 'heartbeat', cell: a => timeEl(a.status.heartbeatAt) },
      { title: '', cell: a => actions(ctx, a, draw) },
    ], agents, { empty: 'No agent has sent a heartbeat yet.', id: 'agent-table', rowClass: a => a.alive ? null : 'dead' }));
  };
  await draw();
  ctx.every(3000, draw);
}

function state(a) {
  const out = [];
  out.push(a.alive ? pill('live', 'ok') : pill('dead', 'bad'));
  if (a.status.draining) out.push(pill('draining', 'warn'));
  if (a.status.overloaded) out.push(pill('overloaded', 'warn'));
  return h('span.kvs.agent-state', { dataset: { agent: a.status.id } }, out);
}

function slots(a) {
  const total = a.status.slots || 0;
  const used = a.held || 0;
  return h('span.slots', { title: `${used} held of ${total} slots` },
    h('span.slot-bar', h('span.slot-fill', { style: `width:${total ? Math.min(100, (used / total) * 100) : 0}%` })),
    ` ${used}/${total}`);
}

function meter(share) {
  if (share == null) return '—';
  const cls = share > 0.9 ? 'bad' : share > 0.7 ? 'warn' : 'ok';
  return h('span.meter.' + cls, percent(share));
}

function code(status) {
  const held = Object.entries(status.code || {}).flatMap(([p, vs]) => (Array.isArray(vs) ? vs : [vs]).map(v => pill(p + ' ' + v)));
  const failed = (status.installFailures || []).map(f => h('span.pill.bad', { title: f.error }, `${f.project} ${f.version} failed`));
  return held.length || failed.length ? h('span.kvs', held, failed) : h('span.muted', '—');
}

function actions(ctx, a, redraw) {
  if (!ctx.can('operator') || !a.alive) return '';
  const id = a.status.id;
  if (a.status.draining) {
    return h('button.btn.small#resume-' + cssId(id), {
      type: 'button',
      onclick: async e => { await act(e.target, () => api.post(`/api/agents/${enc(id)}/resume`), `${id} resumes`); await redraw(); },
    }, 'Resume');
  }
  return h('button.btn.small.danger#drain-' + cssId(id), {
    type: 'button',
    onclick: async e => {
      if (!await confirmDialog(`Drain ${id}?`, h('p', 'It takes no new work, hands back what waits in its inbox, and lets running tasks finish.'), 'Drain')) return;
      await act(e.target, () => api.post(`/api/agents/${enc(id)}/drain`), `${id} drains`);
      await redraw();
    },
  }, 'Drain');
}

function cssId(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '_');
}
