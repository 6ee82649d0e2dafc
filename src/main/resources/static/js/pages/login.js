import { api } from '../api.js';
import { h, field } from '../dom.js';

export function render({ el, params, loggedIn }) {
  const name = h('input#login-name', { name: 'name', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input#login-password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p.form-error#login-error', { role: 'alert' });
  const submit = h('button.btn.primary#login-submit', { type: 'submit' }, 'Log in');
  const form = h('form.login', {
    onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const session = await api.login(name.value.trim(), password.value);
        loggedIn(session);
        const then = params.get('then');
        location.hash = then && then.startsWith('#/') && !then.startsWith('#/login') ? then : '#/dashboard';
      } catch (e) {
        error.textContent = e.status === 401 ? 'Wrong name or password.'
          : e.status === 429 ? 'Too many attempts: ' + e.message : e.message;
        password.value = '';
        password.focus();
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h1', 'Log in to Caravan'),
  field('Name', name),
  field('Password', password),
  error,
  submit,
  h('p.hint', 'The first admin is ', h('code', 'admin'), '; its password is in ', h('code', '<data-dir>/admin-password'), '.'));
  el.appendChild(h('div.login-wrap', form));
  name.focus();
}
