// The console's shell: who is logged in, the navigation, and hash routes to the pages.
import { api, whenUnauthorized } from './api.js';
import { h, replace, toast } from './dom.js';
import * as login from './pages/login.js';
import * as dashboard from './pages/dashboard.js';
import * as tasks from './pages/tasks.js';
import * as task from './pages/task.js';
import * as workflows from './pages/workflows.js';
import * as jobs from './pages/jobs.js';
import * as agents from './pages/agents.js';
import * as residents from './pages/residents.js';
import * as versions from './pages/versions.js';
import * as admin from './pages/admin.js';
import * as quarantine from './pages/quarantine.js';
import * as alerts from './pages/alerts.js';

const RANK = { viewer: 0, operator: 1, admin: 2 };

const routes = [
  [/^\/dashboard$/, dashboard.render, 'dashboard'],
  [/^\/tasks$/, tasks.render, 'tasks'],
  [/^\/tasks\/([^/]+)$/, task.render, 'tasks'],
  [/^\/workflows$/, workflows.renderList, 'workflows'],
  [/^\/workflows\/([^/]+)$/, workflows.renderOne, 'workflows'],
  [/^\/jobs$/, jobs.renderList, 'jobs'],
  [/^\/jobs\/new$/, jobs.renderEdit, 'jobs'],
  [/^\/jobs\/([^/]+)\/edit$/, jobs.renderEdit, 'jobs'],
  [/^\/jobs\/([^/]+)$/, jobs.renderOne, 'jobs'],
  [/^\/agents$/, agents.render, 'agents'],
  [/^\/residents$/, residents.renderList, 'residents'],
  [/^\/residents\/new$/, residents.renderEdit, 'residents'],
  [/^\/residents\/([^/]+)\/edit$/, residents.renderEdit, 'residents'],
  [/^\/residents\/([^/]+)$/, residents.renderOne, 'residents'],
  [/^\/versions$/, versions.render, 'versions'],
  [/^\/users$/, admin.renderUsers, 'users'],
  [/^\/tokens$/, admin.renderTokens, 'tokens'],
  [/^\/audit$/, admin.renderAudit, 'audit'],
  [/^\/quarantine$/, quarantine.render, 'quarantine'],
  [/^\/alerts$/, alerts.render, 'alerts'],
  [/^\/alerts\/rules\/new$/, alerts.renderRule, 'alerts'],
  [/^\/alerts\/rules\/([^/]+)\/edit$/, alerts.renderRule, 'alerts'],
  [/^\/alerts\/channels\/new$/, alerts.renderChannel, 'alerts'],
  [/^\/alerts\/channels\/([^/]+)\/edit$/, alerts.renderChannel, 'alerts'],
];

const NAV = [
  ['dashboard', 'Dashboard'], ['tasks', 'Tasks'], ['workflows', 'Workflows'], ['jobs', 'Jobs'], ['agents', 'Agents'],
  ['residents', 'Residents'], ['versions', 'Versions'], ['quarantine', 'Quarantine'], ['alerts', 'Alerts'],
  ['users', 'Users', 'admin'], ['tokens', 'Tokens'], ['audit', 'Audit', 'admin'],
];

let session = null;       // {name, role}
let cleanups = [];
let generation = 0;

whenUnauthorized(toLogin);

function toLogin() {
  session = null;
  if (!location.hash.startsWith('#/login')) {
    const back = location.hash && location.hash !== '#/login' ? location.hash : '';
    location.hash = '#/login' + (back ? '?then=' + encodeURIComponent(back) : '');
  }
}

/** Whether the logged-in user's role is at least {@code role}. */
function can(role) {
  return !!session && RANK[session.role] >= RANK[role];
}

function renderChrome(active) {
  const header = document.getElementById('top');
  if (!session) {
    replace(header, h('a.brand', { href: '#/dashboard' }, h('span.logo', '◆'), 'Caravan'));
    return;
  }
  replace(header,
    h('a.brand', { href: '#/dashboard' }, h('span.logo', '◆'), 'Caravan'),
    h('nav#nav', NAV.filter(([, , role]) => !role || can(role)).map(([id, title]) =>
      h('a' + (id === active ? '.active' : ''), { href: '#/' + id, id: 'nav-' + id }, title))),
    h('div.who',
      h('span#who-name', session.name),
      h('span.role.role-' + session.role, { id: 'who-role' }, session.role),
      h('button.btn.small#logout', { type: 'button', onclick: logout }, 'Log out')));
}

async function logout() {
  try { await api.logout(); } catch { /* gone anyway */ }
  session = null;
  location.hash = '#/login';
}

async function route() {
  const myGeneration = ++generation;
  cleanups.forEach(fn => { try { fn(); } catch { /* ignore */ } });
  cleanups = [];
  const hash = location.hash.replace(/^#/, '') || '/dashboard';
  const [path, search] = hash.split('?');
  const params = new URLSearchParams(search || '');
  const main = document.getElementById('main');
  main.dataset.loaded = 'false';
  main.dataset.page = path;

  if (path === '/login') {
    renderChrome(null);
    replace(main);
    login.render({ el: main, params, loggedIn: s => { session = s; } });
    main.dataset.loaded = 'true';
    return;
  }
  if (!session) {
    try {
      session = await api.session();
    } catch (e) {
      if (e.status === 401) {
        toLogin();
      } else {
        renderChrome(null);
        replace(main, h('div.panel.error-panel', h('h2', 'The server cannot be reached'), h('p', e.message)));
      }
      return;
    }
    if (myGeneration !== generation) return;
  }
  const match = routes.map(([re, fn, nav]) => [re.exec(path), fn, nav]).find(([m]) => m);
  renderChrome(match ? match[2] : null);
  replace(main);
  if (!match) {
    main.dataset.loaded = 'true';
    main.appendChild(h('div.panel', h('h2', 'No such page'), h('p', h('a', { href: '#/dashboard' }, 'Back to the dashboard'))));
    return;
  }
  const [m, render] = match;
  const ctx = {
    el: main,
    args: m.slice(1).map(decodeURIComponent),
    params,
    session,
    can,
    /** Whether this page is still the one shown (async work checks before drawing). */
    live: () => myGeneration === generation,
    every(ms, fn) {
      let timer = null;
      let stopped = false;
      const loop = async () => {
        if (stopped) return;
        try { await fn(); } catch (e) { if (e.status !== 401) console.warn(e); }
        if (!stopped && myGeneration === generation) timer = setTimeout(loop, ms);
      };
      timer = setTimeout(loop, ms);
      cleanups.push(() => { stopped = true; clearTimeout(timer); });
    },
    onLeave(fn) { cleanups.push(fn); },
    go(hash) { location.hash = hash; },
  };
  try {
    await render(ctx);
    if (myGeneration === generation) main.dataset.loaded = 'true';
  } catch (e) {
    if (myGeneration === generation) main.dataset.loaded = 'true';
    if (e.status === 401) return;
    if (myGeneration !== generation) return;
    main.appendChild(h('div.panel.error-panel', h('h2', e.status === 403 ? 'Not allowed' : e.status === 404 ? 'Not found' : 'Something went wrong'), h('p', e.message)));
    if (!e.status) toast(e.message, 'error');
  }
}

window.addEventListener('hashchange', route);
route();
