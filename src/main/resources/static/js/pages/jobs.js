// Jobs: the list, one job (fires, runs, pause/resume/run now), and the editor with a live cron preview.
import { api, enc } from '../api.js';
import { h, replace, table, stateBadge, time, timeEl, act, field, debounce, confirmDialog, pill, commandText, kv, duration } from '../dom.js';
import { taskFields } from '../forms.js';

export async function renderList(ctx) {
  const offset = Math.max(0, Number(ctx.params.get('offset')) || 0);
  const page = await api.get('/api/jobs', { limit: 100, offset });
  const last = await Promise.all(page.jobs.map(j =>
    api.get(`/api/jobs/${enc(j.id)}/runs`, { limit: 1 }).then(r => r.tasks[0]).catch(() => null)));
  ctx.el.append(
    h('div.page-head', h('h1', 'Jobs'), h('span.muted', `${page.total} job${page.total === 1 ? '' : 's'}`),
      h('div.actions', ctx.can('admin') ? h('a.btn.primary#new-job', { href: '#/jobs/new' }, 'New job') : null)),
    table([
      { title: 'name', cell: j => h('a', { href: '#/jobs/' + enc(j.id) }, j.name) },
      { title: 'schedule', cell: j => h('span', { title: scheduleText(j.schedule) }, j.description || scheduleText(j.schedule)) },
      { title: 'zone', cell: j => j.schedule.timeZone || 'UTC' },
      { title: 'next fire', cell: j => j.paused ? pill('paused', 'warn') : timeEl(j.nextFireAt) },
      { title: 'last outcome', cell: (j) => { const t = last[page.jobs.indexOf(j)]; return t ? h('a', { href: '#/tasks/' + enc(t.id) }, stateBadge(t.state)) : h('span.muted', 'no run yet'); } },
      { title: 'command', cell: j => h('span.mono.clip', commandText(j.task)) },
    ], page.jobs, { empty: 'No jobs yet.', id: 'job-table' }));
}

function scheduleText(s) {
  if (!s) return '';
  if (s.cron) return 'cron ' + s.cron;
  if (s.at) return 'at ' + s.at;
  if (s.every) return 'every ' + s.every + (s.start ? ' from ' + s.start : '');
  return '';
}

export async function renderOne(ctx) {
  const id = ctx.args[0];
  const head = h('div.page-head');
  const body = h('div');
  ctx.el.append(head, body);
  const draw = async () => {
    const [job, next, fires, runs] = await Promise.all([
      api.get('/api/jobs/' + enc(id)),
      api.get(`/api/jobs/${enc(id)}/next`, { count: 10 }).catch(() => null),
      api.get(`/api/jobs/${enc(id)}/fires`, { limit: 20 }),
      api.get(`/api/jobs/${enc(id)}/runs`, { limit: 20 }),
    ]);
    if (!ctx.live()) return;
    replace(head, h('h1', 'Job ', job.name), job.paused ? pill('paused', 'warn') : pill('active', 'ok'),
      h('div.actions', jobActions(ctx, job, draw)));
    replace(body,
      h('div.cols',
        h('section.panel',
          h('h2', 'Schedule'),
          h('p.big#job-description', job.description || scheduleText(job.schedule)),
          h('dl.props',
            h('dt', 'definition'), h('dd.mono', scheduleText(job.schedule)),
            h('dt', 'time zone'), h('dd', job.schedule.timeZone || 'UTC'),
            h('dt', 'overlap'), h('dd', job.overlap),
            h('dt', 'max running'), h('dd', job.maxRunning == null ? 'no limit' : String(job.maxRunning)),
            h('dt', 'misfire'), h('dd', job.misfire),
            h('dt', 'keep runs'), h('dd#job-keep-runs', job.keepRuns == null ? 'as configured (runs-per-job)'
              : job.keepRuns === 0 ? 'all (by age only)' : 'the last ' + job.keepRuns),
            h('dt', 'on success'), h('dd#job-on-success', job.onSuccess?.length ? job.onSuccess.join(', ') : 'nothing'),
            h('dt', 'on failure'), h('dd#job-on-failure', job.onFailure?.length ? job.onFailure.join(', ') : 'nothing')),
          h('h3', 'Next fires'),
          next && next.next.length ? h('ol.fires#job-next', next.next.map(n => fireItem(n, next.timeZone))) : h('p.empty', job.paused ? 'Paused.' : 'No more fires.')),
        h('section.panel',
          h('h2', 'Task'),
          h('pre.code', commandText(job.task)),
          h('dl.props',
            h('dt', 'type'), h('dd', job.task.type || 'default'),
            h('dt', 'timeout'), h('dd', job.task.timeoutSeconds ? job.task.timeoutSeconds + ' s' : 'default'),
            h('dt', 'target'), h('dd', job.task.target === 'all' ? 'every live agent' : 'one agent'),
            h('dt', 'env'), h('dd', kv(job.task.env)),
            h('dt', 'labels'), h('dd', kv(job.task.labels))))),
      h('section.panel', h('h2', 'Fire history'), table([
        { title: 'scheduled', cell: f => time(f.scheduledAt) },
        { title: 'fire', cell: f => stateBadge(f.state) },
        { title: 'taken', cell: f => time(f.takenAt) },
        { title: 'late', cell: f => f.takenAt && f.scheduledAt ? duration(new Date(f.takenAt) - new Date(f.scheduledAt)) : '—', class: 'num' },
        { title: 'task', cell: f => f.taskId ? h('a.mono', { href: '#/tasks/' + enc(f.taskId) }, f.taskId.slice(0, 8)) : '—' },
        { title: 'why', cell: f => f.message || '' },
      ], fires.fires ?? fires.items ?? [], { empty: 'No fires yet.', id: 'job-fires' })),
      h('section.panel', h('h2', 'Runs ', h('a.small', { href: '#/tasks?job=' + enc(job.id) }, 'all →')), table([
        { title: 'task', cell: t => h('a.mono', { href: '#/tasks/' + enc(t.id) }, t.id.slice(0, 8)) },
        { title: 'state', cell: t => stateBadge(t.state) },
        { title: 'scheduled', cell: t => time(t.scheduledAt) },
        { title: 'late', cell: t => t.startLatenessMillis == null ? '—' : duration(t.startLatenessMillis), class: 'num' },
        { title: 'agent', cell: t => t.agent || '—' },
        { title: 'exit', cell: t => t.exitCode == null ? '' : String(t.exitCode), class: 'num' },
      ], runs.tasks, { empty: 'No runs yet.', id: 'job-runs' })));
  };
  await draw();
  ctx.every(5000, draw);
}

function jobActions(ctx, job, redraw) {
  const out = [];
  const post = (verb, done) => async e => { await act(e.target, () => api.post(`/api/jobs/${enc(job.id)}/${verb}`), done); await redraw(); };
  if (ctx.can('operator')) {
    out.push(job.paused
      ? h('button.btn#job-resume', { type: 'button', onclick: post('resume', 'Resumed') }, 'Resume')
      : h('button.btn#job-pause', { type: 'button', onclick: post('pause', 'Paused') }, 'Pause'));
    out.push(h('button.btn.primary#job-run', { type: 'button', onclick: post('run', f => f.taskId ? 'Fired: task ' + f.taskId.slice(0, 8) : 'Fired') }, 'Run now'));
  }
  if (ctx.can('admin')) {
    out.push(h('a.btn#job-edit', { href: `#/jobs/${enc(job.id)}/edit` }, 'Edit'));
    out.push(h('button.btn.danger#job-delete', {
      type: 'button',
      onclick: async e => {
        if (!await confirmDialog(`Delete job ${job.name}?`, h('p', 'Its fire records go; its tasks stay.'), 'Delete')) return;
        await act(e.target, () => api.del('/api/jobs/' + enc(job.id)), 'Deleted');
        ctx.go('#/jobs');
      },
    }, 'Delete'));
  }
  return out;
}

/** A fire time as the server words it, with its weekday in the job's zone in front. */
function fireItem(iso, zone) {
  let day = '';
  try {
    day = new Intl.DateTimeFormat('en', { weekday: 'short', timeZone: zone || 'UTC' }).format(new Date(iso));
  } catch { /* an unknown zone: no weekday */ }
  return h('li.mono', h('span.muted', day + ' '), iso);
}

function zones() {
  try { return Intl.supportedValuesOf('timeZone'); } catch { return ['UTC']; }
}

export async function renderEdit(ctx) {
  const id = ctx.args[0];
  const job = id ? await api.get('/api/jobs/' + enc(id)) : null;
  const s = job?.schedule || {};
  const kind = h('select#schedule-kind',
    ['cron', 'every', 'at'].map(k => h('option', { value: k, selected: (s[k] != null) || (!job && k === 'cron') }, k)));
  const name = h('input#job-name', { value: job?.name || '', required: true, pattern: '[A-Za-z0-9._-]{1,64}', placeholder: 'nightly-backup' });
  const cron = h('input#job-cron.mono', { value: s.cron || '', placeholder: '0 30 2 * * ?  or  */5 * * * *', autocomplete: 'off', spellcheck: 'false' });
  const every = h('input#job-every.mono', { value: s.every || '', placeholder: '30s, 5m, 1h' });
  const start = h('input#job-start.mono', { value: s.start || '', placeholder: 'ISO-8601, default now' });
  const at = h('input#job-at.mono', { value: s.at || '', placeholder: '2030-01-01T09:00:00' });
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zone = h('input#job-zone', { value: s.timeZone || (job ? 'UTC' : browserZone || 'UTC'), list: 'zones', autocomplete: 'off' });
  const zoneList = h('datalist#zones', ['UTC', ...zones()].map(z => h('option', { value: z })));
  const overlap = h('select#job-overlap', ['allow', 'forbid', 'replace'].map(o => h('option', { value: o, selected: (job?.overlap || 'allow') === o }, o)));
  const maxRunning = h('input#job-max-running', { type: 'number', min: 1, max: 10000, value: job?.maxRunning ?? '', placeholder: 'no limit' });
  const keepRuns = h('input#job-keep-runs', { type: 'number', min: 0, max: 1000000, value: job?.keepRuns ?? '', placeholder: 'as configured' });
  const misfire = h('select#job-misfire', ['fire_once', 'skip'].map(o => h('option', { value: o, selected: (job?.misfire || 'fire_once') === o }, o)));
  const paused = h('input#job-paused', { type: 'checkbox', checked: job?.paused });
  const jobNames = list => (list || []).join(', ');
  const onSuccess = h('input#job-on-success.mono', { value: jobNames(job?.onSuccess), placeholder: 'job names, comma-separated' });
  const onFailure = h('input#job-on-failure.mono', { value: jobNames(job?.onFailure), placeholder: 'job names, comma-separated' });
  const names = input => input.value.split(',').map(n => n.trim()).filter(Boolean);
  const task = taskFields(job?.task || {}, { retry: true, target: true });
  const preview = h('div.preview#cron-preview', h('p.muted', 'Type a schedule to see its next fires.'));
  const error = h('p.form-error#job-error', { role: 'alert' });
  const save = h('button.btn.primary#job-save', { type: 'submit' }, job ? 'Save' : 'Create job');

  const schedule = () => {
    const out = { timeZone: zone.value.trim() || 'UTC' };
    if (kind.value === 'cron') out.cron = cron.value.trim();
    if (kind.value === 'every') { out.every = every.value.trim(); if (start.value.trim()) out.start = start.value.trim(); }
    if (kind.value === 'at') out.at = at.value.trim();
    return out;
  };
  const rows = { cron: h('div.sched-row', field('Cron', cron, '6–7 fields with seconds (Quartz) or 5 (crontab)')),
    every: h('div.sched-row', field('Every', every), field('Start', start)),
    at: h('div.sched-row', field('At', at)) };
  const showKind = () => Object.entries(rows).forEach(([k, el]) => { el.hidden = k !== kind.value; });
  showKind();

  let seq = 0;
  const refresh = debounce(async () => {
    const sch = schedule();
    const value = sch.cron ?? sch.every ?? sch.at;
    const mine = ++seq;
    if (!value) { replace(preview, h('p.muted', 'Type a schedule to see its next fires.')); return; }
    replace(preview, h('p.muted', 'checking…'));
    try {
      const r = await api.post('/api/jobs/preview', { schedule: sch, count: 10 });
      if (mine !== seq || !ctx.live()) return;
      replace(preview,
        h('p.big.ok#preview-description', r.description),
        h('p.muted', 'next fires in ' + r.timeZone),
        h('ol.fires#preview-next', r.next.map(n => fireItem(n, r.timeZone))));
    } catch (e) {
      if (mine !== seq || !ctx.live()) return;
      replace(preview, h('p.form-error#preview-error', e.message));
    }
  }, 300);
  for (const el of [cron, every, start, at, zone]) el.addEventListener('input', refresh);
  kind.addEventListener('change', () => { showKind(); refresh(); });

  ctx.el.append(
    h('div.page-head', h('h1', job ? 'Edit job ' + job.name : 'New job')),
    h('form.panel#job-form', {
      onsubmit: async event => {
        event.preventDefault();
        error.textContent = '';
        let body;
        try {
          body = { name: name.value.trim(), schedule: schedule(), task: task.value(), overlap: overlap.value, misfire: misfire.value, paused: paused.checked };
          if (maxRunning.value) body.maxRunning = Number(maxRunning.value);
          if (keepRuns.value) body.keepRuns = Number(keepRuns.value);
          body.onSuccess = names(onSuccess);
          body.onFailure = names(onFailure);
        } catch (e) { error.textContent = e.message; return; }
        save.disabled = true;
        try {
          const saved = job ? await api.put('/api/jobs/' + enc(job.id), body) : await api.post('/api/jobs', body);
          ctx.go('#/jobs/' + enc(saved.id));
        } catch (e) {
          error.textContent = e.message;
        } finally { save.disabled = false; }
      },
    },
    h('div.cols',
      h('div',
        h('h2', 'Schedule'),
        h('div.form-grid', field('Name', name), field('Kind', kind)),
        rows.cron, rows.every, rows.at,
        h('div.form-grid', field('Time zone', zone, 'IANA name; cron fields are read in it'), zoneList,
          field('Overlap', overlap, 'while runs are alive: allow, forbid (skip) or replace'),
          field('Max running', maxRunning), field('Misfire', misfire, 'missed fires: run one catch-up, or skip'),
          field('Keep runs', keepRuns, 'ended runs kept, newest first; 0: all, by age only'),
          field('On success', onSuccess, 'jobs to run when a run succeeds'),
          field('On failure', onFailure, 'jobs to run when a run fails for good (not cancelled)'),
          field('Paused', h('label.inline', paused, ' create paused')))),
      h('div', h('h2', 'Preview'), preview)),
    h('h2', 'Task'),
    task.el,
    error,
    h('div.actions', h('a.btn', { href: job ? '#/jobs/' + enc(job.id) : '#/jobs' }, 'Cancel'), save)));
  refresh();
}
