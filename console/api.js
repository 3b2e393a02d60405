// The public Tollgate API, called from the same origin with the customer's own API key. The key lives in
// sessionStorage only (never localStorage or a cookie), so it is gone when the tab closes or on sign-out.

const KEY_SLOT = 'tollgate.apiKey';
const CONTEXT_SLOT = 'tollgate.context';

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `The API answered ${status}`);
    this.status = status;
    this.code = error.code || 'http_' + status;
    this.details = error;
  }
}

export const session = {
  key: () => sessionStorage.getItem(KEY_SLOT),
  signIn: (key) => sessionStorage.setItem(KEY_SLOT, key),
  signOut: () => sessionStorage.clear(),
  // The account requests act for: '' = the person's own account, or a workspace id.
  context: () => sessionStorage.getItem(CONTEXT_SLOT) || '',
  setContext: (ws) => (ws ? sessionStorage.setItem(CONTEXT_SLOT, ws) : sessionStorage.removeItem(CONTEXT_SLOT)),
};

/**
 * One API call. `workspace`: true = act for the selected account (X-Tollgate-Workspace when a workspace is selected),
 * false = the person's own account. Answers the parsed JSON (or the Response itself when `raw`), throws ApiError.
 */
export async function api(method, path, { body, workspace = true, accept, raw = false, key } = {}) {
  const headers = { Authorization: 'Bearer ' + (key || session.key()) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (accept) headers.Accept = accept;
  if (workspace && session.context()) headers['X-Tollgate-Workspace'] = session.context();
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'network_error', message: 'Tollgate could not be reached: ' + e.message } });
  }
  if (!response.ok) {
    let parsed = null;
    try { parsed = await response.json(); } catch (ignored) { /* not JSON: the status says it */ }
    throw new ApiError(response.status, parsed);
  }
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

/** Every page of a CSV export, one header row: follows X-Next-Cursor as the JSON routes follow next_cursor. */
export async function downloadCsv(path, fileName) {
  let cursor = null;
  let csv = '';
  do {
    const sep = path.includes('?') ? '&' : '?';
    const response = await api('GET', path + (cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''),
      { accept: 'text/csv', raw: true });
    const text = await response.text();
    csv += csv ? text.slice(text.indexOf('\r\n') + 2) : text;
    cursor = response.headers.get('X-Next-Cursor');
  } while (cursor);
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return csv;
}
