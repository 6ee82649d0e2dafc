// Shared form pieces: a task template editor (tasks, jobs, residents) and key=value text areas.
import { h, field } from './dom.js';

export const SECRET_MASK = '********';

/** "A=1\nB=2" → {A: "1", B: "2"}; throws naming the line when one has no '='. */
export function parseMap(text, what) {
  const map = {};
  text.split('\n').map(l => l.trim()).filter(Boolean).forEach((line, i) => {
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`${what}: line ${i + 1} is not NAME=value`);
    map[line.slice(0, at).trim()] = line.slice(at + 1);
  });
  return map;
}

export function mapText(map) {
  return Object.entries(map || {}).map(([k, v]) => k + '=' + v).join('\n');
}

/**
 * The fields of a task (command or shell, type, priority, timeout, env, labels, agent, workdir).
 * Returns {el, value()} where value() builds the JSON or throws an Error naming the bad field.
 */
export function taskFields(initial = {}, { retry = false, target = false } = {}) {
  const useShell = !!initial.shell;
  const shell = h('input#task-use-shell', { type: 'checkbox', checked: useShell });
  const command = h('textarea#task-command.mono', {
    rows: 3, placeholder: useShell ? 'echo "$HOME" && ls' : 'one argument per line, e.g.\necho\nhello',
  });
  command.value = useShell ? initial.shell : (initial.command || []).join('\n');
  shell.addEventListener('change', () => {
    command.placeholder = shell.checked ? 'a script for /bin/sh -c' : 'one argument per line';
  });
  const type = h('input#task-type', { value: initial.type || '', placeholder: 'default' });
  const priority = h('select#task-priority', ['normal', 'urgent'].map(p => h('option', { value: p, selected: initial.priority === p }, p)));
  const timeout = h('input#task-timeout', { type: 'number', min: 1, value: initial.timeoutSeconds ?? '', placeholder: 'default' });
  const workdir = h('input#task-workdir.mono', { value: initial.workdir || '', placeholder: 'agent default' });
  const agent = h('input#task-agent', { value: initial.agent || initial.pinnedAgent || '', placeholder: 'any' });
  const env = h('textarea#task-env.mono', { rows: 2, placeholder: 'NAME=value per line' });
  env.value = mapText(initial.env);
  const labels = h('textarea#task-labels.mono', { rows: 2, placeholder: 'zone=a per line' });
  labels.value = mapText(initial.labels);
  const maxAttempts = h('input#task-max-attempts', { type: 'number', min: 1, value: initial.retry?.maxAttempts ?? '', placeholder: '1' });
  const backoff = h('input#task-backoff', { value: initial.retry?.backoff ?? '', placeholder: '1s' });
  const all = h('input#task-target-all', { type: 'checkbox', checked: initial.target === 'all' });

  const el = h('div.form-grid',
    h('div.span2', field(h('span', 'Command ', h('label.inline', shell, ' run with /bin/sh -c')), command)),
    field('Type', type),
    field('Priority', priority),
    field('Timeout (s)', timeout),
    field('Pinned agent', agent),
    h('div.span2', field('Working directory', workdir)),
    field('Environment', env, 'values of names with PASSWORD, SECRET, TOKEN or KEY are shown masked'),
    field('Labels the agent must carry', labels),
    retry ? field('Max attempts', maxAttempts) : null,
    retry ? field('Retry backoff', backoff) : null,
    target ? field('Broadcast', h('label.inline', all, ' run on every live agent (target all)')) : null);

  return {
    el,
    value() {
      const spec = {};
      const text = command.value;
      if (shell.checked) {
        if (!text.trim()) throw new Error('command: a script is needed');
        spec.shell = text;
      } else {
        const argv = text.split('\n').map(s => s.replace(/\r$/, '')).filter(s => s.length);
        if (!argv.length) throw new Error('command: at least one argument is needed');
        spec.command = argv;
      }
      if (type.value.trim()) spec.type = type.value.trim();
      if (priority.value !== 'normal') spec.priority = priority.value;
      if (timeout.value) spec.timeoutSeconds = Number(timeout.value);
      if (workdir.value.trim()) spec.workdir = workdir.value.trim();
      if (agent.value.trim()) spec.agent = agent.value.trim();
      const e = parseMap(env.value, 'env');
      if (Object.keys(e).length) spec.env = e;
      const l = parseMap(labels.value, 'labels');
      if (Object.keys(l).length) spec.labels = l;
      if (retry && maxAttempts.value) {
        spec.retry = { maxAttempts: Number(maxAttempts.value) };
        if (backoff.value.trim()) spec.retry.backoff = backoff.value.trim();
      }
      if (target && all.checked) spec.target = 'all';
      return spec;
    },
  };
}
