// One task: what it runs, why it waits, its attempts and events, and its output (live while it runs).
import { api, enc } from '../api.js';
import { h, replace, stateBadge, kv, time, duration, commandText, act, table, pill } from '../dom.js';

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CANCELLED']);
const OUTPUT_CAP = 1 << 20;   // what the page keeps of a stream; the server bounds what it keeps too

export async function render(ctx) {
  const id = ctx.args[0];
  const head = h('div.page-head');
  const summary = h('div#task-summary');
  const output = { stdout: '', stderr: '', stdoutNext: 0, stderrNext: 0, running: false, truncated: false, done: false, supported: true };
  const outEl = h('div#task-output');
  const events = h('div#task-events');
  ctx.el.append(head, summary, h('section.panel', h('h2', 'Output'), outEl), h('section.panel', h('h2', 'Events'), events));

  let task = await api.get('/api/tasks/' + enc(id));
  const draw = () => {
    replace(head,
      h('h1', 'Task ', h('span.mono', task.id)), stateBadge(task.state),
      task.exhausted ? pill('no attempts left', 'bad') : null,
      h('div.actions', actions(ctx, task, updated => { task = updated; draw(); })));
    replace(summary, details(task));
    replace(events, timeline(task));
  };
  draw();

  const pollOutput = async () => {
    if (output.done) return;
    if (!output.supported) {
      drawOutput(outEl, { stdout: task.stdout || '', stderr: task.stderr || '', running: !ENDED.has(task.state), truncated: task.stdoutTruncated || task.stderrTruncated });
      return;
    }
    let chunk;
    try {
      chunk = await api.get(`/api/tasks/${enc(id)}/output`, { stdoutFrom: output.stdoutNext, stderrFrom: output.stderrNext });
    } catch (e) {
      if ([400, 403, 404].includes(e.status)) { output.supported = false; return pollOutput(); }
      throw e;
    }
    if (!ctx.live()) return;
    output.stdout = (output.stdout + (chunk.stdout || '')).slice(-OUTPUT_CAP);
    output.stderr = (output.stderr + (chunk.stderr || '')).slice(-OUTPUT_CAP);
    output.stdoutNext = chunk.stdoutNext ?? output.stdoutNext;
    output.stderrNext = chunk.stderrNext ?? output.stderrNext;
    output.running = !!chunk.running;
    output.truncated = !!chunk.truncated;
    if (!chunk.running && ENDED.has(task.state)) output.done = true;
    drawOutput(outEl, output);
  };
  await pollOutput();

  ctx.every(1000, async () => {
    if (!ENDED.has(task.state) || !output.done) {
      const fresh = await api.get('/api/tasks/' + enc(id));
      if (!ctx.live()) return;
      const changed = fresh.state !== task.state || (fresh.events || []).length !== (task.events || []).length
        || fresh.waitingBecause !== task.waitingBecause;
      task = fresh;
      if (changed) draw();
      await pollOutput();
    }
  });
}

function actions(ctx, task, updated) {
  if (!ctx.can('operator')) return [];
  const out = [];
  if (!ENDED.has(task.state)) {
    out.push(h('button.btn.danger#task-cancel', {
      type: 'button',
      onclick: async e => updated(await act(e.target, () => api.post(`/api/tasks/${enc(task.id)}/cancel`), 'Cancelled')),
    }, 'Cancel'));
  }
  if (['FAILED', 'TIMED_OUT', 'CANCELLED'].includes(task.state)) {
    out.push(h('button.btn.primary#task-retry', {
      type: 'button',
      onclick: async e => updated(await act(e.target, () => api.post(`/api/tasks/${enc(task.id)}/retry`), 'Queued again')),
    }, 'Retry'));
  }
  return out;
}

function details(t) {
  const row = (label, value) => [h('dt', label), h('dd', value ?? h('span.muted', '—'))];
  return [
    t.waitingBecause ? h('div.notice#waiting-because', h('strong', 'Waiting: '), t.waitingBecause) : null,
    t.message ? h('div.notice.bad#task-message', t.message) : null,
    h('div.cols',
      h('section.panel',
        h('h2', t.shell ? 'Shell script' : 'Command'),
        h('pre.code#task-command-text', commandText(t)),
        h('dl.props',
          row('type', t.type), row('priority', t.priority), row('key', t.key),
          row('workdir', t.workdir ? h('span.mono', t.workdir) : null),
          row('timeout', t.timeoutSeconds + ' s'),
          row('pinned agent', t.pinnedAgent),
          row('code', t.code ? `${t.code.project} ${t.code.version}` : null),
          row('retry', t.retry ? `${t.retry.maxAttempts} attempts, backoff ${t.retry.backoff || 'default'}` : 'one attempt'),
          row('job', t.jobId ? h('a', { href: '#/jobs/' + enc(t.jobId) }, t.jobId) : null),
          row('resident', t.residentId ? h('a', { href: '#/residents/' + enc(t.residentId) }, t.residentId) : null),
          row('broadcast', t.broadcastId ? h('a', { href: '#/tasks?broadcast=' + enc(t.broadcastId) }, t.broadcastId) : null),
          row('workflow', t.workflowId ? h('a#task-workflow', { href: '#/workflows/' + enc(t.workflowId) }, t.workflowId) : null))),
      h('section.panel',
        h('h2', 'Run'),
        h('dl.props',
          row('agent', t.agent), row('attempt', String(t.attempt)),
          row('exit code', t.exitCode == null ? null : h('span#task-exit', String(t.exitCode))),
          row('created', time(t.createdAt)), row('dispatched', time(t.dispatchedAt)),
          row('started', time(t.startedAt)), row('finished', time(t.finishedAt)),
          row('ran for', t.startedAt && t.finishedAt ? duration(new Date(t.finishedAt) - new Date(t.startedAt)) : null),
          t.retryAt ? row('retry at', time(t.retryAt)) : null,
          t.scheduledAt ? row('scheduled', time(t.scheduledAt)) : null,
          t.startLatenessMillis != null ? row('start lateness', duration(t.startLatenessMillis)) : null),
        h('h3', 'Environment'), kv(t.env),
        h('h3', 'Labels'), kv(t.labels))),
    h('section.panel', h('h2', 'Attempts'), attempts(t)),
  ];
}

/** One row per attempt, from the events: its agent, when it started and how it ended. */
function attempts(t) {
  const byAttempt = new Map();
  for (const e of t.events || []) {
    if (!e.attempt) continue;
    const a = byAttempt.get(e.attempt) || { attempt: e.attempt, agent: e.agent, first: e.at, last: e.at, state: e.state, message: e.message };
    a.last = e.at; a.state = e.state; a.message = e.message; a.agent = e.agent || a.agent;
    byAttempt.set(e.attempt, a);
  }
  return table([
    { title: '#', cell: a => String(a.attempt), class: 'num' },
    { title: 'agent', cell: a => a.agent || '—' },
    { title: 'from', cell: a => time(a.first) },
    { title: 'last', cell: a => stateBadge(a.state) },
    { title: 'what happened', cell: a => a.message },
  ], [...byAttempt.values()], { empty: 'Not dispatched yet.', id: 'attempts' });
}

function timeline(t) {
  const list = t.events || [];
  if (!list.length) return h('p.empty', 'No events.');
  return h('ol.timeline#timeline', list.map(e => h('li',
    h('span.tl-time', { title: String(e.at) }, time(e.at)),
    stateBadge(e.state),
    h('span.tl-msg', e.message || ''),
    e.agent ? h('span.muted', e.agent + (e.attempt ? ' · attempt ' + e.attempt : '')) : null)));
}

function drawOutput(el, o) {
  const pane = (name, text) => h('div.out-pane',
    h('div.out-head', name, text ? h('span.muted', ` ${text.length} chars`) : null),
    h('pre.out#' + name, text || (o.running ? '' : '(empty)')));
  replace(el,
    o.running ? h('p.live#output-live', h('span.live-dot'), ' live: following the output as the command writes it') : null,
    o.truncated ? h('p.notice', 'Output over the cap: only its start is kept.') : null,
    h('div.cols', pane('stdout', o.stdout), pane('stderr', o.stderr)));
  for (const pre of el.querySelectorAll('pre.out')) pre.scrollTop = pre.scrollHeight;
}

