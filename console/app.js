// Tollgate console: a static single-page app over the public API (SPEC 13). No framework, no build step.
// Every DOM node is built with textContent/attributes (never innerHTML with data), so nothing the API returns can
// run as markup. Provider secrets typed here are sent once and cleared from the form; they are never rendered.

import { api, ApiError, downloadCsv, session } from './api.js';
import { barChart } from './charts.js';

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const $ = (selector) => document.querySelector(selector);
let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** A region that shows a loading state, then content or the API's error message in place. */
function region(label) {
  const error = h('p', { class: 'error', role: 'alert' });
  const body = h('div', { class: 'region-body' });
  // Focusable: a wide table scrolls sideways inside it on a phone, and keyboard users must reach that scroll.
  const node = h('div', { class: 'region', role: 'region', 'aria-label': label, tabindex: '0' }, error, body);
  return {
    node,
    error,
    body,
    async load(work) {
      error.textContent = '';
      node.setAttribute('aria-busy', 'true');
      body.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
      try {
        const content = await work();
        body.replaceChildren(...[content].flat().filter(Boolean));
      } catch (e) {
        body.replaceChildren();
        showError(error, e);
      } finally {
        node.removeAttribute('aria-busy');
      }
    },
  };
}

function showError(target, e) {
  if (e instanceof ApiError) {
    target.textContent = e.message + (e.code === 'plan_required' ? ' Ask your operator to move you to the Pro plan.' : '');
    target.dataset.code = e.code;
    if (e.status === 401) signOut('Your API key was refused (401). Sign in again.');
  } else {
    target.textContent = 'Something went wrong in the console: ' + e.message;
    target.dataset.code = 'console_error';
  }
}

/** Runs `work` for a button: disabled while it runs, errors shown in `errorTarget`. */
async function busy(button, errorTarget, work) {
  errorTarget.textContent = '';
  delete errorTarget.dataset.code;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } catch (e) {
    showError(errorTarget, e);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

const credits = (value) => (value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US', { maximumFractionDigits: 6 }));
const date = (iso) => (iso ? iso.slice(0, 10) : '—');
const dateTime = (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '—');
const table = (caption, headers, rows) => h('table', {},
  h('caption', {}, caption),
  h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
  h('tbody', {}, rows));
const statusBadge = (status) => h('span', { class: 'badge ' + status }, status);
const modeBadge = (mode) => h('span', { class: 'badge mode-' + mode }, { byok: 'BYOK', credits: 'Credits', free: 'Free' }[mode] || mode);

// ---------------------------------------------------------------------------------------------------------------
// Session, account context and navigation
// ---------------------------------------------------------------------------------------------------------------

const state = { me: null, workspaces: [], providers: [] };

const SCREENS = {
  settings: { title: 'Settings › API Key', tab: 'API Key', render: renderSettings },
  'workspace-keys': { title: 'Workspace › AI Keys', tab: 'AI Keys', render: renderWorkspaceKeys, admins: true },
  agents: { title: 'Agents', tab: 'Agents', render: renderAgents },
  usage: { title: 'Usage', tab: 'Usage', render: renderUsage },
  tools: { title: 'Tools', tab: 'Tools', render: renderTools },
};

function currentWorkspace() {
  return state.workspaces.find((w) => w.id === session.context()) || null;
}

function visibleScreens() {
  const ws = currentWorkspace();
  return Object.entries(SCREENS).filter(([, s]) => !s.admins || (ws && ws.role === 'admin'));
}

async function signIn(event) {
  event.preventDefault();
  const input = $('#api-key');
  const error = $('#sign-in-error');
  const key = input.value.trim();
  if (!key) {
    error.textContent = 'Paste your Tollgate API key first.';
    return;
  }
  await busy(event.submitter || $('#sign-in-form button'), error, async () => {
    await api('GET', '/api/v1/key', { key, workspace: false });
    session.signIn(key);
    input.value = '';
    await start();
  });
}

function signOut(message) {
  session.signOut();
  state.me = null;
  state.workspaces = [];
  $('#session').hidden = true;
  $('#tabs').hidden = true;
  $('#view').hidden = true;
  $('#view').replaceChildren();
  $('#sign-in').hidden = false;
  $('#sign-in-error').textContent = typeof message === 'string' ? message : '';
  history.replaceState(null, '', location.pathname);
  $('#api-key').focus();
}

async function start() {
  const [me, workspaces, providers] = await Promise.all([
    api('GET', '/api/v1/key', { workspace: false }),
    api('GET', '/api/v1/workspaces', { workspace: false }),
    api('GET', '/api/v1/providers', { workspace: false }),
  ]);
  state.me = me;
  state.workspaces = workspaces.data;
  state.providers = providers.data;
  if (session.context() && !currentWorkspace()) session.setContext('');
  const select = $('#context');
  select.replaceChildren(
    h('option', { value: '' }, me.account_type === 'workspace' ? 'This workspace' : 'Personal'),
    ...state.workspaces.map((w) => h('option', { value: w.id }, `${w.name} (${w.role})`)));
  select.value = session.context();
  $('#who').textContent = `${me.account_id} · ${me.plan}`;
  $('#sign-in').hidden = true;
  $('#session').hidden = false;
  $('#tabs').hidden = false;
  $('#view').hidden = false;
  route();
}

function route() {
  if (!session.key()) return;
  const visible = visibleScreens();
  const wanted = location.hash.replace(/^#\/?/, '');
  const [name, screen] = visible.find(([n]) => n === wanted) || visible[0];
  if (wanted !== name) history.replaceState(null, '', '#/' + name);
  $('#tabs').replaceChildren(h('ul', {}, visible.map(([n, s]) => h('li', {},
    h('a', { href: '#/' + n, id: 'tab-' + n, 'aria-current': n === name ? 'page' : false }, s.tab)))));
  const heading = h('h1', { tabindex: '-1' }, screen.title);
  const view = $('#view');
  view.replaceChildren(heading);
  view.dataset.screen = name;
  screen.render(view);
}

// ---------------------------------------------------------------------------------------------------------------
// Settings › API Key: the person's own provider keys (one per provider)
// ---------------------------------------------------------------------------------------------------------------

function renderSettings(view) {
  const byokProviders = state.providers.filter((p) => p.byok);
  const picker = h('select', { id: 'byok-provider', name: 'provider' },
    byokProviders.map((p) => h('option', { value: p.id }, p.name)));
  const keyInput = h('input', { id: 'byok-key', name: 'api_key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'byok-format byok-error' });
  const format = h('p', { id: 'byok-format', class: 'hint' });
  const error = h('p', { id: 'byok-error', class: 'error', role: 'alert' });
  const notice = h('p', { id: 'byok-notice', class: 'notice', role: 'status' });
  const status = region('Key status');
  const save = h('button', { type: 'submit', id: 'save-key' }, 'Save Key');
  const keys = region('Your keys');

  const showFormat = () => {
    const provider = byokProviders.find((p) => p.id === picker.value);
    format.textContent = provider && provider.key_format ? 'Format: ' + provider.key_format : '';
  };

  async function refresh() {
    const [me, list] = await Promise.all([api('GET', '/api/v1/key', { workspace: false }), api('GET', '/api/v1/byok', { workspace: false })]);
    state.me = me;
    status.load(async () => keyStatus(list.data, me));
    keys.load(async () => keyTable(list.data));
  }

  function keyStatus(list, me) {
    const provider = byokProviders.find((p) => p.id === picker.value);
    const key = list.find((k) => k.provider === picker.value);
    if (key) {
      return h('p', { id: 'key-status' }, `${provider.name}: `, statusBadge(key.status), ` key ${key.hint} registered ${date(key.created_at)}. `,
        'Calls to ', provider.name, ' use your key and cost 0 credits.');
    }
    const pays = me.credit_providers.includes(picker.value) ? 'Calls pay with your credits.'
      : 'No key and no credits offered: calls to this provider fail until you add a key.';
    return h('p', { id: 'key-status' }, `${provider ? provider.name : picker.value}: no key. `, modeBadge('credits'), ' ', pays);
  }

  function keyTable(list) {
    if (!list.length) return h('p', { class: 'muted' }, 'You have no provider keys yet: every call pays with credits.');
    return table('Your provider keys', ['Provider', 'Status', 'Key', 'Registered', 'Actions'], list.map((key) => {
      const rowError = h('p', { class: 'error', role: 'alert' });
      const actions = h('div', { class: 'actions' });
      const name = (state.providers.find((p) => p.id === key.provider) || { name: key.provider }).name;
      const verify = h('button', { type: 'button', class: 'secondary', 'aria-label': `Verify ${name} key` }, 'Verify');
      verify.addEventListener('click', () => busy(verify, rowError, async () => {
        const result = await api('POST', `/api/v1/byok/${key.id}/verify`, { workspace: false });
        notice.textContent = `${name} key verified: ${result.status}` + (result.message ? ` (${result.message})` : '') + '.';
        await refresh();
      }));
      const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${name} key` }, 'Remove Key');
      remove.addEventListener('click', () => confirmInline(actions, `Remove your ${name} key? Calls to ${name} will pay with credits.`,
        async (confirmButton) => busy(confirmButton, rowError, async () => {
          await api('DELETE', `/api/v1/byok/${key.id}`, { workspace: false });
          notice.textContent = `${name} key removed: its secret is purged, and ${name} calls now pay with credits.`;
          await refresh();
        })));
      actions.append(verify, remove);
      return h('tr', { 'data-provider': key.provider }, h('td', {}, name), h('td', {}, statusBadge(key.status)), h('td', {}, key.hint),
        h('td', {}, date(key.created_at)), h('td', {}, actions, rowError));
    }));
  }

  const form = h('form', { id: 'byok-form', class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    notice.textContent = '';
    const secret = keyInput.value;
    if (!secret.trim()) {
      error.textContent = 'Paste the provider key to save.';
      keyInput.focus();
      return;
    }
    await busy(save, error, async () => {
      try {
        const saved = await api('POST', '/api/v1/byok', { body: { provider: picker.value, api_key: secret }, workspace: false });
        notice.textContent = `Saved. ${saved.replaced ? 'It replaces your previous key. ' : ''}Tollgate keeps it encrypted and shows only ${saved.hint}.`;
      } finally {
        // The secret leaves the page whatever the answer: never kept in the DOM, storage or memory here.
        keyInput.value = '';
      }
      await refresh();
    });
  } },
  h('label', { for: 'byok-provider' }, 'Provider'), picker,
  h('label', { for: 'byok-key' }, 'API key'), keyInput, format,
  error, h('div', { class: 'actions' }, save));
  picker.addEventListener('change', () => { showFormat(); error.textContent = ''; refresh(); });
  showFormat();

  const planNote = state.me.plan === 'free'
    ? h('p', { class: 'notice' }, 'Your own keys need the Pro plan or higher (plan_required): on the free plan every call pays with credits.')
    : null;
  view.append(...[h('p', { class: 'lead' }, 'Your own provider keys. A call to a provider you have a key for uses it and costs 0 credits; otherwise it pays with your credits.'),
    planNote].filter(Boolean), form, notice, h('h2', {}, 'Status'), status.node, h('h2', {}, 'Your keys'), keys.node);
  refresh().catch((e) => showError(status.error, e));
}

/** Replaces the actions of a row by a Confirm / Cancel pair until one is chosen. */
function confirmInline(actions, question, onConfirm) {
  const saved = [...actions.childNodes];
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Confirm');
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel');
  const restore = () => { actions.replaceChildren(...saved); saved[saved.length - 1].focus(); };
  confirm.addEventListener('click', async () => { await onConfirm(confirm); if (confirm.isConnected) restore(); });
  cancel.addEventListener('click', restore);
  actions.replaceChildren(h('span', { class: 'question' }, question), confirm, cancel);
  confirm.focus();
}

// ---------------------------------------------------------------------------------------------------------------
// Workspace › AI Keys (admins only)
// ---------------------------------------------------------------------------------------------------------------

function renderWorkspaceKeys(view) {
  const ws = currentWorkspace();
  const base = `/api/v1/workspaces/${ws.id}/keys`;
  const byokProviders = state.providers.filter((p) => p.byok);
  const list = region('Workspace keys');
  const notice = h('p', { class: 'notice', role: 'status' });
  const error = h('p', { id: 'ws-key-error', class: 'error', role: 'alert' });
  const picker = h('select', { id: 'ws-provider' }, byokProviders.map((p) => h('option', { value: p.id }, p.name)));
  const name = h('input', { id: 'ws-display-name', type: 'text', maxlength: 100, autocomplete: 'off' });
  const secret = h('input', { id: 'ws-key', type: 'password', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'ws-format ws-key-error' });
  const format = h('p', { id: 'ws-format', class: 'hint' });
  const makeDefault = h('input', { id: 'ws-default', type: 'checkbox' });
  const add = h('button', { type: 'submit', id: 'add-ws-key' }, 'Add Key');
  const showFormat = () => {
    const p = byokProviders.find((x) => x.id === picker.value);
    format.textContent = p && p.key_format ? 'Format: ' + p.key_format : '';
  };
  picker.addEventListener('change', showFormat);
  showFormat();

  const refresh = () => list.load(async () => {
    const keys = (await api('GET', base, { workspace: false })).data;
    if (!keys.length) return h('p', { class: 'muted' }, 'No team keys yet: the workspace pays with its credits.');
    keys.sort((a, b) => a.provider.localeCompare(b.provider) || (b.default - a.default));
    return table('Team keys by provider', ['Provider', 'Name', 'Default', 'Status', 'Key', 'Added', 'Actions'], keys.map((key) => {
      const rowError = h('p', { class: 'error', role: 'alert' });
      const actions = h('div', { class: 'actions' });
      const label = key.display_name || key.provider;
      if (!key.default) {
        const setDefault = h('button', { type: 'button', class: 'secondary', 'aria-label': `Make ${label} the default` }, 'Make default');
        setDefault.addEventListener('click', () => busy(setDefault, rowError, async () => {
          await api('PATCH', `${base}/${key.id}`, { body: { default: true }, workspace: false });
          refresh();
        }));
        actions.append(setDefault);
      }
      const verify = h('button', { type: 'button', class: 'secondary', 'aria-label': `Verify ${label}` }, 'Verify');
      verify.addEventListener('click', () => busy(verify, rowError, async () => {
        const result = await api('POST', `${base}/${key.id}/verify`, { workspace: false });
        notice.textContent = `${label}: ${result.status}.`;
        refresh();
      }));
      const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${label}` }, 'Delete');
      const del = (force) => async (button) => busy(button, rowError, async () => {
        try {
          await api('DELETE', `${base}/${key.id}${force ? '?force=true' : ''}`, { workspace: false });
          notice.textContent = `${label} deleted.`;
          refresh();
        } catch (e) {
          if (!(e instanceof ApiError) || e.code !== 'key_in_use') throw e;
          const names = (e.details.agent_names || e.details.agents || []).join(', ');
          const force = h('button', { type: 'button', class: 'danger', id: 'force-delete' }, 'Delete anyway and unbind');
          force.addEventListener('click', () => del(true)(force));
          actions.replaceChildren(h('span', { class: 'question', 'data-code': 'key_in_use' },
            `${e.message}. Pinned by: ${names}.`), force);
          force.focus();
        }
      });
      remove.addEventListener('click', () => confirmInline(actions, `Delete ${label}?`, del(false)));
      actions.append(verify, remove);
      return h('tr', { 'data-key': key.id }, h('td', {}, key.provider), h('td', {}, key.display_name || '—'),
        h('td', {}, key.default ? h('span', { class: 'badge default' }, 'default') : ''), h('td', {}, statusBadge(key.status)),
        h('td', {}, key.hint), h('td', {}, date(key.created_at)), h('td', {}, actions, rowError));
    }));
  });

  const form = h('form', { id: 'ws-key-form', class: 'card', novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    await busy(add, error, async () => {
      try {
        const body = { provider: picker.value, api_key: secret.value, default: makeDefault.checked };
        if (name.value.trim()) body.display_name = name.value.trim();
        const saved = await api('POST', base, { body, workspace: false });
        notice.textContent = `Added ${saved.display_name || saved.provider} (${saved.hint}).`;
        name.value = '';
        makeDefault.checked = false;
      } finally {
        secret.value = '';
      }
      refresh();
    });
  } },
  h('h2', {}, 'Add a team key'),
  h('label', { for: 'ws-provider' }, 'Provider'), picker,
  h('label', { for: 'ws-display-name' }, 'Display name'), name,
  h('label', { for: 'ws-key' }, 'API key'), secret, format,
  h('div', { class: 'check' }, makeDefault, h('label', { for: 'ws-default' }, 'Make it the default for this provider')),
  error, h('div', { class: 'actions' }, add));
  view.append(h('p', { class: 'lead' }, `Keys of ${ws.name}. Agents pinned to a key use it; other calls use the provider's default key, then the workspace's credits. Only admins see this tab.`),
    form, notice, h('h2', {}, 'Team keys'), list.node);
  refresh();
}

// ---------------------------------------------------------------------------------------------------------------
// Agents of the selected account (a workspace's, or the person's own)
// ---------------------------------------------------------------------------------------------------------------

function renderAgents(view) {
  const ws = currentWorkspace();
  const canManage = !ws || ws.role === 'admin';
  const list = region('Agents');
  const notice = h('p', { class: 'notice', role: 'status' });
  const created = h('div', { id: 'agent-created', 'aria-live': 'polite' });

  const keysOfAccount = async () => {
    if (!canManage) return [];
    return (await api('GET', ws ? `/api/v1/workspaces/${ws.id}/keys` : '/api/v1/byok', { workspace: false })).data;
  };

  const refresh = () => list.load(async () => {
    const [agents, keys] = await Promise.all([api('GET', '/api/v1/agents'), keysOfAccount()]);
    if (!agents.data.length) return h('p', { class: 'muted' }, 'No agents yet.');
    return table('Agents', ['Name', 'Id', 'Pinned keys', 'Created', 'Actions'], agents.data.map((agent) => {
      const rowError = h('p', { class: 'error', role: 'alert' });
      const pins = Object.entries(agent.key_bindings || {});
      const pinned = pins.length ? h('ul', { class: 'plain' }, pins.map(([provider, id]) => {
        const key = keys.find((k) => k.id === id);
        return h('li', {}, `${provider}: ${key ? (key.display_name || key.hint) : id}`);
      })) : h('span', { class: 'muted' }, 'none');
      const actions = h('div', { class: 'actions' });
      if (canManage) {
        const keySelect = h('select', { id: nextId('pin'), 'aria-label': `Key to pin for ${agent.name}` },
          keys.map((k) => h('option', { value: k.id }, `${k.provider} · ${k.display_name || k.hint}`)));
        const pin = h('button', { type: 'button', class: 'secondary', 'aria-label': `Pin key for ${agent.name}` }, 'Pin key');
        pin.disabled = !keys.length;
        pin.addEventListener('click', () => busy(pin, rowError, async () => {
          const key = keys.find((k) => k.id === keySelect.value);
          const bindings = { ...agent.key_bindings, [key.provider]: key.id };
          await api('PATCH', `/api/v1/agents/${agent.id}`, { body: { key_bindings: bindings } });
          notice.textContent = `${agent.name} now uses ${key.display_name || key.hint} for ${key.provider}.`;
          refresh();
        }));
        const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete agent ${agent.name}` }, 'Delete');
        remove.addEventListener('click', () => confirmInline(actions, `Delete ${agent.name}? Its API key stops working at once.`,
          (button) => busy(button, rowError, async () => {
            await api('DELETE', `/api/v1/agents/${agent.id}`);
            notice.textContent = `${agent.name} deleted.`;
            refresh();
          })));
        actions.append(keySelect, pin, remove);
      }
      return h('tr', { 'data-agent': agent.id }, h('td', {}, agent.name), h('td', {}, h('code', {}, agent.id)), h('td', {}, pinned),
        h('td', {}, date(agent.created_at)), h('td', {}, actions, rowError));
    }));
  });

  view.append(h('p', { class: 'lead' }, ws
    ? `Agents of ${ws.name}: each has its own API key and acts for the workspace.`
    : 'Your personal agents: each has its own API key and acts for your account, with your keys and credits.'));
  if (canManage) {
    const name = h('input', { id: 'agent-name', type: 'text', maxlength: 200, autocomplete: 'off', required: true });
    const error = h('p', { id: 'agent-error', class: 'error', role: 'alert' });
    const create = h('button', { type: 'submit', id: 'create-agent' }, 'Create agent');
    view.append(h('form', { id: 'agent-form', class: 'card', novalidate: true, onsubmit: async (event) => {
      event.preventDefault();
      await busy(create, error, async () => {
        const agent = await api('POST', '/api/v1/agents', { body: { name: name.value.trim() } });
        name.value = '';
        showAgentKey(created, agent);
        refresh();
      });
    } }, h('h2', {}, 'Create an agent'), h('label', { for: 'agent-name' }, 'Name'), name, error, h('div', { class: 'actions' }, create)));
  } else {
    view.append(h('p', { class: 'notice' }, 'Only workspace admins can create, pin or delete agents.'));
  }
  view.append(created, notice, h('h2', {}, 'Agents'), list.node);
  refresh();
}

function showAgentKey(target, agent) {
  const copyStatus = h('span', { role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy key');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(agent.api_key);
      copyStatus.textContent = 'Copied.';
    } catch (e) {
      copyStatus.textContent = 'Copy failed: select the key and copy it by hand.';
    }
  });
  const dismiss = h('button', { type: 'button' }, 'I have saved it');
  dismiss.addEventListener('click', () => target.replaceChildren());
  target.replaceChildren(h('div', { class: 'card once' },
    h('h2', {}, `API key of ${agent.name}`),
    h('p', {}, 'Shown once: store it now. Tollgate keeps only its hash.'),
    h('code', { id: 'agent-api-key', class: 'secret' }, agent.api_key),
    h('div', { class: 'actions' }, copy, dismiss, copyStatus)));
  copy.focus();
}

// ---------------------------------------------------------------------------------------------------------------
// Usage: balance, ledger, charts, CSV, runs
// ---------------------------------------------------------------------------------------------------------------

function renderUsage(view) {
  const summary = region('Balance');
  const charts = region('Usage charts');
  const ledger = region('Ledger');
  const runs = region('Runs');
  const csvError = h('p', { class: 'error', role: 'alert' });
  const cursors = [null];

  summary.load(async () => {
    const me = await api('GET', '/api/v1/key');
    return h('div', { class: 'stats' },
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Balance'), h('span', { class: 'value', id: 'balance' }, credits(me.credits_remaining)), ' credits'),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Held'), h('span', { class: 'value' }, credits(me.credits_held)), ' credits'),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Plan'), h('span', { class: 'value' }, me.plan)));
  });

  charts.load(async () => {
    const [byProvider, byDay, byMode] = await Promise.all(['provider', 'day', 'mode']
      .map((g) => api('GET', `/api/v1/usage?group_by=${g}`)));
    const calls = (u) => u.groups.map((g) => ({ label: g.key, value: g.calls, kind: 'mode-' + g.key }));
    const modeRows = byMode.groups.map((g) => h('tr', {}, h('th', { scope: 'row' }, modeBadge(g.key)), h('td', {}, g.calls),
      h('td', {}, g.input_tokens), h('td', {}, g.output_tokens), h('td', {}, credits(g.credits))));
    return [h('div', { class: 'charts' },
      barChart('Calls by provider (last 30 days)', calls(byProvider)),
      barChart('Calls by day (UTC)', calls(byDay)),
      barChart('Calls by mode: your keys (BYOK) vs credits', calls(byMode))),
    table('Totals by mode (last 30 days)', ['Mode', 'Calls', 'Input tokens', 'Output tokens', 'Credits'], modeRows)];
  });

  const loadLedger = (index) => ledger.load(async () => {
    const page = await api('GET', '/api/v1/ledger?limit=10' + (cursors[index] ? '&cursor=' + encodeURIComponent(cursors[index]) : ''));
    cursors[index + 1] = page.next_cursor;
    const newer = h('button', { type: 'button', class: 'secondary', disabled: index === 0 }, 'Newer');
    const older = h('button', { type: 'button', class: 'secondary', disabled: !page.next_cursor }, 'Older');
    newer.addEventListener('click', () => loadLedger(index - 1));
    older.addEventListener('click', () => loadLedger(index + 1));
    const rows = page.data.map((e) => h('tr', {}, h('td', {}, dateTime(e.created_at)), h('td', {}, e.type),
      h('td', { class: 'num' }, credits(e.amount)), h('td', { class: 'num' }, credits(e.balance_change)),
      h('td', {}, e.reference || e.reason || e.request_id || '')));
    return [table('Ledger, newest first', ['When', 'Type', 'Amount', 'Change', 'Reference'], rows),
      h('nav', { class: 'pager', 'aria-label': 'Ledger pages' }, newer, h('span', {}, `Page ${index + 1}`), older)];
  });

  runs.load(async () => {
    const page = await api('GET', '/api/v1/runs?limit=20');
    if (!page.data.length) {
      return h('p', { class: 'muted' }, 'No runs yet. Send X-Tollgate-Run: <id> with execute (or _meta "tollgate/run" over MCP) to group calls into a run; agents\' calls are grouped by agent.');
    }
    const detail = h('div', { id: 'run-detail', 'aria-live': 'polite' });
    const rows = page.data.map((run) => {
      const show = h('button', { type: 'button', class: 'secondary', disabled: !run.run_id, 'aria-label': `Calls of run ${run.run_id || ''}` }, 'Calls');
      show.addEventListener('click', async () => {
        const err = h('p', { class: 'error', role: 'alert' });
        detail.replaceChildren(err);
        await busy(show, err, async () => {
          const calls = await api('GET', `/api/v1/runs/${encodeURIComponent(run.run_id)}?limit=100`);
          detail.replaceChildren(table(`Calls of run ${run.run_id}`, ['When', 'Tool', 'Mode', 'Status', 'Tokens in / out', 'Credits'],
            calls.data.map((c) => h('tr', {}, h('td', {}, dateTime(c.at)), h('td', {}, `${c.provider}_${c.operation}`), h('td', {}, modeBadge(c.mode)),
              h('td', {}, c.error_code || c.status), h('td', { class: 'num' }, `${c.input_tokens} / ${c.output_tokens}`), h('td', { class: 'num' }, credits(c.credits))))));
        });
      });
      const modes = Object.entries(run.modes).map(([m, n]) => `${n} ${m}`).join(', ');
      return h('tr', { 'data-run': run.run_id || '' }, h('td', {}, run.run_id || h('span', { class: 'muted' }, '(no run id)')), h('td', {}, run.agent_id || 'you'),
        h('td', { class: 'num' }, run.calls), h('td', { class: 'num' }, `${run.input_tokens} / ${run.output_tokens}`), h('td', {}, modes),
        h('td', { class: 'num' }, credits(run.credits)), h('td', {}, dateTime(run.ended_at)), h('td', {}, show));
    });
    return [table('Runs by agent and run id, most recent first', ['Run', 'Agent', 'Calls', 'Tokens in / out', 'Modes', 'Credits', 'Last call', 'Details'], rows), detail];
  });

  const ledgerCsv = h('button', { type: 'button', id: 'csv-ledger', class: 'secondary' }, 'Download ledger (CSV)');
  const usageCsv = h('button', { type: 'button', id: 'csv-usage', class: 'secondary' }, 'Download usage by day (CSV)');
  ledgerCsv.addEventListener('click', () => busy(ledgerCsv, csvError, () => downloadCsv('/api/v1/ledger?limit=100', 'tollgate-ledger.csv')));
  usageCsv.addEventListener('click', () => busy(usageCsv, csvError, () => downloadCsv('/api/v1/usage?group_by=day', 'tollgate-usage-by-day.csv')));
  loadLedger(0);
  view.append(summary.node, h('h2', {}, 'Analytics'), charts.node, h('div', { class: 'actions' }, ledgerCsv, usageCsv), csvError,
    h('h2', {}, 'Runs'), runs.node, h('h2', {}, 'Ledger'), ledger.node);
}

// ---------------------------------------------------------------------------------------------------------------
// Tools: catalog with prices and who pays now, and the MCP client configuration
// ---------------------------------------------------------------------------------------------------------------

function price(p) {
  switch (p.type) {
    case 'free': return 'free';
    case 'byok_only': return 'your key only';
    case 'per_call': return `${credits(p.credits)} credits per call`;
    case 'per_1k_characters': return `${credits(p.credits)} credits per 1K characters`;
    case 'per_1k_tokens': return Object.entries(p.models || {}).map(([m, v]) => `${m}: in ${credits(v.input)} / out ${credits(v.output)}`).join('; ') + ' credits per 1K tokens';
    default: return p.type;
  }
}

function renderTools(view) {
  const tools = region('Tool catalog');
  const endpoint = `${location.origin}/mcp`;
  const snippet = JSON.stringify({ mcpServers: { tollgate: { type: 'http', url: endpoint, headers: { Authorization: 'Bearer <your Tollgate API key>' } } } }, null, 2);
  const copyStatus = h('span', { role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary' }, 'Copy MCP config');
  copy.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(snippet); copyStatus.textContent = 'Copied.'; } catch (e) { copyStatus.textContent = 'Copy failed: select the text.'; }
  });
  tools.load(async () => {
    const all = [];
    let cursor = null;
    do {
      const page = await api('GET', '/api/v1/tools?limit=100' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      all.push(...page.tools);
      cursor = page.next_cursor;
    } while (cursor);
    return table('Every tool, its price and who pays for it now', ['Tool', 'What it does', 'Price', 'Who pays now'], all.map((t) => {
      const pays = t.billing_mode === 'unavailable'
        ? h('span', { class: 'badge unavailable', title: t.unavailable_reason }, `unavailable (${t.unavailable_reason})`)
        : modeBadge(t.billing_mode);
      return h('tr', { 'data-tool': t.name }, h('td', {}, h('code', {}, t.name)), h('td', {}, t.description), h('td', {}, price(t.price)), h('td', {}, pays));
    }));
  });
  view.append(h('p', { class: 'lead' }, 'BYOK: your own key pays (0 credits). Credits: Tollgate\'s key, charged to your balance. Free: no key, no charge.'),
    h('h2', {}, 'Use Tollgate from an MCP client'),
    h('p', {}, 'Claude Desktop, Cursor and other MCP clients: add this server, with your API key in place of the placeholder.'),
    h('pre', { class: 'snippet', tabindex: '0', 'aria-label': 'MCP client configuration' }, snippet),
    h('div', { class: 'actions' }, copy, copyStatus),
    h('h2', {}, 'Catalog'), tools.node);
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------------------------

document.addEventListener('DOMContentLoaded', () => {
  $('#sign-in-form').addEventListener('submit', signIn);
  $('#sign-out').addEventListener('click', () => signOut('Signed out.'));
  $('#context').addEventListener('change', (event) => {
    session.setContext(event.target.value);
    route();
    $('#view h1').focus();
  });
  window.addEventListener('hashchange', () => {
    route();
    $('#view h1').focus();
  });
  if (session.key()) {
    start().catch((e) => signOut(e.message));
  } else {
    $('#api-key').focus();
  }
});
