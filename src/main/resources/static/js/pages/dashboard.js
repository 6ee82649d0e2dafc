// The dashboard: tasks by state, the last hour as charts, queues, agents and job fires; refreshed every 2 s.
import { api } from '../api.js';
import { h, replace, table, duration, stateBadge, time, ago } from '../dom.js';
import { lineChart, bars } from '../chart.js';

const STATES = ['QUEUED', 'DISPATCHED', 'RUNNING', 'RETRYING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED'];

export async function render(ctx) {
  const stamp = h('span.muted#dash-updated');
  const body = h('div#dashboard');
  ctx.el.append(h('div.page-head', h('h1', 'Dashboard'), h('span.live-dot', { title: 'updates every 2 s' }), stamp), body);
  const draw = async () => {
    const data = await load();
    if (!ctx.live()) return;
    replace(body, view(data));
    stamp.textContent = 'updated ' + time(Date.now());
  };
  await draw();
  ctx.every(2000, draw);
}

let fallback = false;

async function load() {
  if (!fallback) {
    try {
      return normalize(await api.get('/api/dashboard'));
    } catch (e) {
      if (e.status !== 404) throw e;
      fallback = true;
    }
  }
  return assemble();
}

/** For a node without GET /api/dashboard: the counts from the list endpoints (no history, so no chart). */
async function assemble() {
  const [counts, queues, agents] = await Promise.all([
    Promise.all(STATES.map(s => api.get('/api/tasks', { state: s, limit: 1 }).then(p => [s, p.total]))),
    api.get('/api/queues'),
    api.get('/api/agents'),
  ]);
  return {
    byState: Object.fromEntries(counts),
    minutes: [],
    queues: queues.flatMap(q => ['urgent', 'normal'].filter(p => q[p] > 0).map(p => ({ type: q.type, priority: p, depth: q[p], oldest: null }))),
    agents: {
      live: agents.filter(a => a.alive).length,
      draining: agents.filter(a => a.alive && a.status.draining).length,
      overloaded: agents.filter(a => a.alive && a.status.overloaded).length,
      dead: agents.filter(a => !a.alive).length,
    },
    fires: [],
    firesSummary: null,
  };
}

/** Reads the dashboard answer, tolerant of arrays or maps for counts. */
function normalize(d) {
  const byState = {};
  const t = d.tasks ?? d.tasksByState ?? d.states ?? {};
  if (Array.isArray(t)) t.forEach(e => { byState[e.state] = e.count ?? e.tasks ?? 0; });
  else Object.assign(byState, t);
  const minutes = (d.minutes ?? d.perMinute ?? d.throughput ?? d.lastHour ?? []).map(m => ({
    t: new Date(m.minute ?? m.at ?? m.t ?? m.start).getTime(),
    succeeded: m.succeeded ?? 0, failed: m.failed ?? 0, retried: m.retried ?? 0,
  })).filter(m => !isNaN(m.t)).sort((a, b) => a.t - b.t);
  const queues = (d.queues ?? []).map(q => ({
    type: q.type, priority: q.priority, depth: q.depth ?? q.size ?? 0,
    oldest: q.oldestAgeMillis ?? (q.oldestAgeSeconds != null ? q.oldestAgeSeconds * 1000 : null),
  }));
  const a = d.agents ?? {};
  const agents = { live: a.live ?? 0, draining: a.draining ?? 0, overloaded: a.overloaded ?? 0, dead: a.dead ?? 0 };
  const f = d.fires ?? d.jobFires ?? {};
  const fires = Array.isArray(f) ? f : (f.recent ?? f.fires ?? []);
  return { byState, minutes, queues, agents, fires, firesSummary: Array.isArray(f) ? null : f };
}

function view(d) {
  const total = STATES.reduce((s, k) => s + (d.byState[k] || 0), 0);
  return [
    h('section.tiles#tiles', STATES.map(s => h('a.tile.state-tile-' + s.toLowerCase(),
      { href: '#/tasks?state=' + s, id: 'tile-' + s },
      h('span.tile-value', String(d.byState[s] || 0)), h('span.tile-label', s.replace('_', ' ').toLowerCase())))),
    h('section.cols',
      h('div.panel.wide',
        h('h2', 'Last hour, per minute'),
        lineChart(d.minutes, [
          { key: 'succeeded', label: 'succeeded', color: 'var(--ok)' },
          { key: 'failed', label: 'failed', color: 'var(--bad)' },
          { key: 'retried', label: 'retried', color: 'var(--warn)' },
        ], { title: `${total} tasks known` })),
      h('div.panel',
        h('h2', 'Agents'),
        bars([
          { label: 'live', value: d.agents.live, class: 'ok' },
          { label: 'draining', value: d.agents.draining, class: 'warn' },
          { label: 'overloaded', value: d.agents.overloaded, class: 'warn' },
          { label: 'dead', value: d.agents.dead, class: 'bad' },
        ]),
        h('p', h('a', { href: '#/agents' }, 'All agents →')))),
    h('section.cols',
      h('div.panel',
        h('h2', 'Queues'),
        table([
          { title: 'type', cell: q => h('a', { href: '#/tasks?state=QUEUED&type=' + encodeURIComponent(q.type) }, q.type) },
          { title: 'priority', cell: q => q.priority },
          { title: 'waiting', cell: q => String(q.depth), class: 'num' },
          { title: 'oldest', cell: q => q.oldest == null ? '—' : duration(q.oldest), class: 'num' },
        ], d.queues, { empty: 'No task waits.', id: 'queues' })),
      h('div.panel',
        h('h2', 'Job fires, last hour'),
        d.firesSummary ? firesSummary(d.firesSummary) : null,
        table([
          { title: 'job', cell: f => h('a', { href: '#/jobs/' + encodeURIComponent(f.jobId ?? f.job ?? '') }, f.jobName ?? f.name ?? f.jobId ?? f.job) },
          { title: 'scheduled', cell: f => h('span', { title: time(f.scheduledAt) }, ago(f.scheduledAt)) },
          { title: 'fire', cell: f => stateBadge(f.state) },
          { title: 'late', cell: f => f.latenessMillis == null ? '—' : duration(f.latenessMillis), class: 'num' },
        ], d.fires.slice(0, 12), { empty: 'No fires in the last hour.', id: 'fires' }))),
  ];
}

function firesSummary(s) {
  const parts = [];
  for (const k of ['fired', 'skipped', 'missed']) if (s[k] != null) parts.push(h('span.pill', k + ' ' + s[k]));
  if (s.maxLatenessMillis != null) parts.push(h('span.pill', 'max lateness ' + duration(s.maxLatenessMillis)));
  if (s.averageLatenessMillis != null) parts.push(h('span.pill', 'mean lateness ' + duration(Math.round(s.averageLatenessMillis))));
  return parts.length ? h('p.kvs', parts) : null;
}
