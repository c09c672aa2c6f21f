/* global fetch, sessionStorage */
// Calls the gateway's REST API with the login token; a 401 logs the user out.

const TOKEN_KEY = 'vulgraad.token';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `request failed (${status})`);
    this.status = status;
    this.field = body && body.field ? body.field : null;
  }
}

export class Api {
  constructor(onUnauthorized) {
    this.onUnauthorized = onUnauthorized;
    this.token = sessionStorage.getItem(TOKEN_KEY);
  }

  setToken(token) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  async request(method, path, body) {
    const headers = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (response.status === 401 && path !== '/api/auth/login') this.onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }

  get(path) {
    return this.request('GET', path);
  }

  post(path, body) {
    return this.request('POST', path, body ?? {});
  }
}
