// The dashboard: tasks by state, the last hour as charts, queues, agents and job fires; refreshed every 2 s.
import { api } from '../api.js';
import { h, replace, table, duration, stateBadge, time, ago } from '../dom.js';
import { columnChart, bars } from '../chart.js';

const ALIVE = ['QUEUED', 'DISPATCHED', 'RUNNING', 'RETRYING'];

export async function render(ctx) {
  const stamp = h('span.muted#dash-updated');
  const body = h('div#dashboard');
  ctx.el.append(h('div.page-head', h('h1', 'Dashboard'), h('span.live-dot', { title: 'updates every 2 s' }), stamp), body);
  const jobNames = new Map();
  const draw = async () => {
    let data;
    try {
      data = await load();
    } catch (e) {
      if (e.status === 401 || !ctx.live()) return;
      replace(body, h('div.panel.error-panel#dash-error', h('h2', 'The dashboard cannot be read'), h('p', e.message)));
      stamp.textContent = 'failed ' + time(Date.now()) + '; trying again';
      return;
    }
    if (data.fires.some(f => !jobNames.has(f.jobId))) {
      const jobs = await api.get('/api/jobs', { limit: 500 }).catch(() => ({ jobs: [] }));
      jobs.jobs.forEach(j => jobNames.set(j.id, j.name));
    }
    if (!ctx.live()) return;
    replace(body, view(data, jobNames));
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
    Promise.all(ALIVE.map(s => api.get('/api/tasks', { state: s, limit: 1 }).then(p => [s, p.total]))),
    api.get('/api/queues'),
    api.get('/api/agents'),
  ]);
  return {
    byState: Object.fromEntries(counts),
    lastHour: null,
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
  const agents = { live: a.live ?? 0, draining: a.draining ?? 0, overloaded: a.overloaded ?? 0, dead: a.dead ?? 0, slots: a.slots, busySlots: a.busySlots };
  const f = d.fires ?? {};
  const fires = Array.isArray(f) ? f : (f.last ?? []);
  const sum = key => minutes.reduce((n, m) => n + m[key], 0);
  const lastHour = d.lastHour ?? { succeeded: sum('succeeded'), failed: sum('failed'), retried: sum('retried') };
  return { byState, lastHour, minutes, queues, agents, fires, firesSummary: Array.isArray(f) ? null : f };
}

function tile(id, value, label, href, cls) {
  return h('a.tile.' + cls, { href, id: 'tile-' + id },
    h('span.tile-value', value == null ? '—' : String(value)), h('span.tile-label', label));
}

function view(d, jobNames) {
  const hour = d.lastHour;
  return [
    h('section.tiles#tiles',
      ALIVE.map(s => tile(s, d.byState[s] || 0, s.toLowerCase() + ' now', '#/tasks?state=' + s, 'state-tile-' + s.toLowerCase())),
      tile('succeeded', hour?.succeeded, 'succeeded, 1 h', '#/tasks?state=SUCCEEDED', 'state-tile-succeeded'),
      tile('failed', hour?.failed, 'failed, 1 h', '#/tasks?state=FAILED', 'state-tile-failed'),
      tile('retried', hour?.retried, 'retried, 1 h', '#/tasks?state=RETRYING', 'state-tile-retrying'),
      tile('slots', d.agents.slots == null ? null : `${d.agents.busySlots}/${d.agents.slots}`, 'slots busy', '#/agents', 'state-tile-running')),
    h('section.cols',
      h('div.panel.wide',
        h('h2', 'Last hour, per minute'),
        columnChart(d.minutes, [
          { key: 'succeeded', label: 'succeeded', color: 'var(--ok)' },
          { key: 'failed', label: 'failed', color: 'var(--bad)' },
          { key: 'retried', label: 'retried', color: 'var(--warn)' },
        ], { title: 'tasks ended (succeeded, failed) or sent back to retry, per minute' })),
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
        ], d.queues.filter(q => q.depth > 0), { empty: 'No task waits.', id: 'queues' })),
      h('div.panel',
        h('h2', 'Job fires, last hour'),
        d.firesSummary ? firesSummary(d.firesSummary) : null,
        table([
          { title: 'job', cell: f => h('a', { href: '#/jobs/' + encodeURIComponent(f.jobId) }, jobNames.get(f.jobId) ?? f.jobId.slice(0, 8)) },
          { title: 'scheduled', cell: f => h('span', { title: time(f.scheduledAt) }, ago(f.scheduledAt)) },
          { title: 'fire', cell: f => stateBadge(f.state) },
          { title: 'late', cell: f => f.latenessMillis == null ? '—' : duration(f.latenessMillis), class: 'num' },
          { title: 'why', cell: f => f.state === 'FIRED' ? '' : h('span.clip', { title: f.message || '' }, f.message || '') },
        ], d.fires.slice(0, 12), { empty: 'No fires in the last hour.', id: 'fires' }))),
  ];
}

function firesSummary(s) {
  const parts = [];
  for (const k of ['fired', 'skipped', 'missed']) if (s[k] != null) parts.push(h('span.pill', k + ' ' + s[k]));
  if (s.latenessAvgMillis != null) parts.push(h('span.pill', 'mean lateness ' + duration(Math.round(s.latenessAvgMillis))));
  if (s.latenessMaxMillis != null) parts.push(h('span.pill', 'max lateness ' + duration(s.latenessMaxMillis)));
  return parts.length ? h('p.kvs', parts) : null;
}
