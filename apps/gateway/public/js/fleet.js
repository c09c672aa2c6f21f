/* global document, window, URL, URLSearchParams, Blob, fetch */
// The sensors-and-onboarding page: fleet health for operations staff and the
// onboarding forms. It uses the dashboard's login (the same token) and the REST API only.
import { Api, ApiError } from './api.js';
import { formatTime, hasWord, i18n, startLanguage, t } from './i18n.js';

const api = new Api(() => showLogin());
const $ = (id) => document.getElementById(id);
const BAD = new Set(['silent', 'battery_failing', 'gaps_growing']);
/** The rows and the rejected messages shown last, to show them again in another language. */
let shownRows = null;
let shownRejected = null;

function showLogin() {
  $('need-login').hidden = false;
  $('fleet-main').hidden = true;
}

function text(value) {
  return value === null || value === undefined ? '' : String(value);
}

function cell(row, value) {
  const td = document.createElement('td');
  td.textContent = text(value);
  row.appendChild(td);
  return td;
}

function filterQuery() {
  const form = new window.FormData($('fleet-filter'));
  const params = new URLSearchParams();
  for (const [key, value] of form.entries()) if (value !== '') params.set(key, String(value));
  return params;
}

async function loadFleet() {
  const params = filterQuery();
  shownRows = await api.get(`/api/fleet-health?${params}`);
  renderFleet(shownRows);
}

function renderFleet(rows) {
  const body = $('fleet-table').querySelector('tbody');
  body.replaceChildren();
  let flagged = 0;
  for (const r of rows) {
    const tr = document.createElement('tr');
    if (r.flags.some((f) => BAD.has(f))) tr.className = 'bad';
    else if (r.flags.length > 0) tr.className = 'warn';
    if (r.flags.length > 0) flagged++;
    cell(tr, r.externalRef);
    cell(tr, r.containerRef);
    cell(tr, r.district);
    cell(tr, r.lastMeasuredAt ? formatTime(r.lastMeasuredAt) : t('sensors.never'));
    cell(tr, r.batteryPct);
    cell(tr, r.batteryTrendPctPerDay);
    cell(tr, r.batteryEmptyInDays);
    cell(tr, r.meanRssiDbm);
    cell(tr, r.meanSnrDb);
    cell(tr, r.flaggedShare === null ? '' : `${Math.round(r.flaggedShare * 100)} %`);
    cell(tr, r.recentShare === null ? '' : `${Math.round(r.recentShare * 100)} %`);
    cell(tr, r.rejected);
    const flags = cell(tr, '');
    for (const f of r.flags) {
      const span = document.createElement('span');
      span.className = 'flag';
      span.dataset.flag = f;
      span.textContent = t(`flag.${f}`);
      flags.appendChild(span);
    }
    tr.addEventListener('click', () => void showRejected(r));
    body.appendChild(tr);
  }
  $('fleet-summary').textContent = t('sensors.summary', { n: rows.length, flagged });
}

async function showRejected(row) {
  shownRejected = { row, list: await api.get(`/api/fleet-health/${encodeURIComponent(row.deviceId)}/rejected`) };
  renderRejected(shownRejected);
}

function renderRejected({ row, list }) {
  $('fleet-rejected').hidden = false;
  $('fleet-rejected-title').textContent = t('sensors.rejectedOf', { ref: row.externalRef, n: list.length });
  const ul = $('fleet-rejected-list');
  ul.replaceChildren();
  for (const m of list) {
    const li = document.createElement('li');
    li.textContent = `${formatTime(m.receivedAt)} ${m.reason}: ${m.detail} (${m.topic})`;
    ul.appendChild(li);
  }
}

async function exportCsv() {
  const params = filterQuery();
  params.set('format', 'csv');
  const response = await fetch(`/api/fleet-health?${params}`, { headers: { authorization: `Bearer ${api.token}` } });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([await response.text()], { type: 'text/csv' }));
  link.download = 'fleet-health.csv';
  link.click();
  URL.revokeObjectURL(link.href);
}

/** What the broker did with a changed login, in the page's language (the server's English note when the state is new to the page). */
function brokerText(answer) {
  const b = answer.brokerState;
  const key = `sensors.broker.${b?.state}`;
  return b && hasWord(key) ? t(key, { folder: b.folder ?? '', pid: b.pid ?? '', error: b.error ?? '' }) : answer.broker;
}

function show(lines, secret) {
  const out = $('onboard-result');
  out.replaceChildren();
  out.appendChild(document.createTextNode(lines.join('\n')));
  if (secret) {
    out.appendChild(document.createTextNode(`\n${t('sensors.secretShownOnce')}`));
    const span = document.createElement('span');
    span.className = 'secret';
    span.textContent = secret;
    out.appendChild(span);
  }
}

function fail(error) {
  show([error instanceof ApiError ? t('sensors.refused', { status: `${error.status}${error.field ? `, ${error.field}` : ''}`, message: error.message }) : String(error)]);
}

const values = (form) => Object.fromEntries([...new window.FormData(form).entries()].filter(([, v]) => v !== '').map(([k, v]) => [k, String(v).trim()]));
const list = (text) => (text ? text.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

async function registerDevice(event) {
  event.preventDefault();
  const v = values(event.target);
  const device = await api.post('/api/devices', { externalRef: v.externalRef, devEui: v.devEui, model: v.model, lorawanApplicationId: v.lorawanApplicationId });
  const lines = [t('sensors.registered', { ref: device.externalRef, id: device.id })];
  if (v.containerId) {
    await api.post(`/api/devices/${encodeURIComponent(device.id)}/bind`, { containerId: v.containerId });
    lines.push(t('sensors.fitted', { container: v.containerId }));
  }
  if (v.secret) {
    const issued = await api.post(`/api/devices/${encodeURIComponent(device.id)}/secret`);
    lines.push(t('sensors.brokerLogin', { user: issued.username }), brokerText(issued), t('sensors.httpDoor', { path: issued.httpPath }), t('sensors.deviceSecretNote'));
    if (!issued.mosquittoCanHold) lines.push(t('sensors.mosquittoCannotHold', { ref: issued.username }));
    show(lines, issued.secret);
  } else {
    show(lines);
  }
}

async function saveApplication(event) {
  event.preventDefault();
  const v = values(event.target);
  const app = await api.request('PUT', `/api/lorawan-applications/${encodeURIComponent(v.applicationId)}`, { name: v.name, defaultModel: v.defaultModel });
  show([t('sensors.applicationSaved', { id: app.applicationId, model: app.defaultModel ?? t('none'), n: app.devices })]);
}

async function saveIntegration(event) {
  event.preventDefault();
  const v = values(event.target);
  const made = await api.post('/api/http-integrations', { name: v.name, kind: v.kind, applications: list(v.applications) });
  show([t('sensors.integrationMade', { kind: made.kind, name: made.name, path: made.path }), t('sensors.configure', { json: JSON.stringify(made.configure, null, 2) }), t('sensors.integrationNote')], made.secret);
}

async function saveAccount(event) {
  event.preventDefault();
  const v = values(event.target);
  const made = await api.post('/api/mqtt-accounts', { username: v.username, kind: v.kind, applications: v.kind === 'service' ? undefined : list(v.applications) });
  show([t('sensors.accountMade', { kind: t(`sensors.kind.${made.kind}`), name: made.username }), brokerText(made), t('sensors.passwordNote')], made.secret);
}

async function start() {
  startLanguage($('lang'), () => {
    if (shownRows) renderFleet(shownRows);
    if (shownRejected) renderRejected(shownRejected);
  });
  if (!api.token) return showLogin();
  $('fleet-main').hidden = false;
  const [me, config] = await Promise.all([api.get('/api/auth/me').catch(() => null), api.get('/api/map/config').catch(() => null)]);
  if (config?.timezone) i18n.timeZone = config.timezone;
  if (me) $('who').textContent = `${me.username} (${me.role})`;
  const decoders = await api.get('/api/onboarding/decoders').catch(() => []);
  $('decoder-models').replaceChildren(...decoders.map((d) => Object.assign(document.createElement('option'), { value: d.model })));
  $('fleet-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    loadFleet().catch(fail);
  });
  $('fleet-csv').addEventListener('click', () => void exportCsv().catch(fail));
  for (const [id, handler] of [['form-device', registerDevice], ['form-application', saveApplication], ['form-integration', saveIntegration], ['form-account', saveAccount]]) {
    $(id).addEventListener('submit', (e) => handler(e).catch(fail));
  }
  await loadFleet().catch(fail);
}

void start();
