// Code versions: registered or held; per agent installed or the error; register and remove (admin).
import { api, enc } from '../api.js';
import { h, table, act, field, pill, time, confirmDialog } from '../dom.js';

export async function render(ctx) {
  const versions = await api.get('/api/versions');
  ctx.el.append(h('div.page-head', h('h1', 'Code versions')));
  if (ctx.can('admin')) ctx.el.append(registerForm(ctx));
  ctx.el.append(table([
    { title: 'project', cell: v => h('strong', v.project) },
    { title: 'version', cell: v => h('span.mono', v.version) },
    { title: 'installed on', cell: v => v.agents.length ? h('span.kvs', v.agents.map(a => pill(a, 'ok'))) : h('span.muted', 'no agent yet') },
    { title: 'failures', cell: v => (v.failures || []).length ? h('ul.failures', v.failures.map(f => h('li',
      pill(f.agent, 'bad'), ' ', h('span', f.error), h('span.muted', ` (${f.attempts} attempts, next ${time(f.nextRetryAt)})`)))) : '' },
    { title: 'archive', cell: v => v.url ? h('span.mono.clip', { title: (v.sha256 || '') }, v.url) : h('span.muted', 'put in place by hand') },
    { title: '', cell: v => ctx.can('admin') && v.url ? h('button.btn.small.danger', {
      type: 'button',
      onclick: async e => {
        if (!await confirmDialog(`Remove ${v.project} ${v.version}?`, h('p', 'Agents install it no more and keep what they have.'), 'Remove')) return;
        await act(e.target, () => api.del(`/api/versions/${enc(v.project)}/${enc(v.version)}`), 'Removed');
        dispatchEvent(new HashChangeEvent('hashchange'));
      },
    }, 'Remove') : '' },
  ], versions, { empty: 'No code version is registered or held.', id: 'version-table' }));
}

function registerForm(ctx) {
  const project = h('input#version-project', { required: true, placeholder: 'shop' });
  const version = h('input#version-version', { required: true, placeholder: '1.4.2' });
  const url = h('input#version-url.mono', { required: true, type: 'url', placeholder: 'https://files.example/shop-1.4.2.tar.gz' });
  const sha = h('input#version-sha.mono', { required: true, pattern: '[0-9a-fA-F]{64}', placeholder: '64 hex digits' });
  const error = h('p.form-error', { role: 'alert' });
  return h('details.panel', h('summary', 'Register a version'),
    h('form.form-grid', {
      onsubmit: async e => {
        e.preventDefault();
        error.textContent = '';
        try {
          await api.post('/api/versions', { project: project.value.trim(), version: version.value.trim(), url: url.value.trim(), sha256: sha.value.trim() });
          dispatchEvent(new HashChangeEvent('hashchange'));
        } catch (err) { error.textContent = err.message; }
      },
    }, field('Project', project), field('Version', version), h('div.span2', field('Archive URL (zip or tar.gz)', url)),
    h('div.span2', field('SHA-256', sha)), error, h('div.actions', h('button.btn.primary', { type: 'submit' }, 'Register'))));
}
