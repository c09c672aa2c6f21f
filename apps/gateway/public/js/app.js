/* global L, io, window, document, requestAnimationFrame, setInterval */
// The planners' live map: containers coloured by fill, today's routes per
// truck, alerts, a container's history and forecast, planner edits and why a
// stop is on a route. Everything arrives over socket.io after a snapshot;
// screen work is batched per animation frame.
import { Api } from './api.js';
import { drawFillChart } from './chart.js';
import { routeColor } from './colors.js';
import { ContainerLayer } from './container-layer.js';
import { BasemapLayer } from './basemap-layer.js';
import { FleetPanel } from './fleet-panel.js';
import { RoadLayer } from './road-layer.js';
import { RouteLayer } from './route-layer.js';

const SEVERITY = { temperature_high: 'critical', container_full: 'warning', predicted_overflow: 'warning', sensor_tilted: 'warning', sensor_silent: 'warning', doubtful_data: 'info', battery_low: 'info' };
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 };
const CAUSE_LABEL = {
  temperature_high: 'Fire / temperature', container_full: 'Full', predicted_overflow: 'Will overflow', sensor_tilted: 'Sensor tilted / alarm',
  sensor_silent: 'Sensor silent', doubtful_data: 'Doubtful data', battery_low: 'Battery low',
};

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) node[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
};
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }) : '–');
const fmtPct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} %`);

const api = new Api(() => logout());
const fleetPanel = new FleetPanel(api, document.getElementById('tab-fleet'), () => ({ canEdit: canEditPlans(), canSetStatus: canHandleAlerts() }));
const containers = new Map();
const alerts = new Map();
const plans = new Map();
const stats = { updates: 0, snapshots: 0, batches: 0 };
let user = null;
let socket = null;
let map = null;
let layer = null;
let routeLayer = null;
let selectedId = null;
let today = null;
let alertsDirty = false;
let panelDirty = false;

window.vulgraad = { containers, alerts, plans, stats, get map() { return map; }, get layer() { return layer; }, get user() { return user; }, ready: false };

function canEditPlans() {
  return user && (user.role === 'planner' || user.role === 'admin');
}
function canHandleAlerts() {
  return user && user.role !== 'viewer';
}

// ---------- start and login ----------

async function start() {
  $('logout').addEventListener('click', () => logout());
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new window.FormData(event.target);
    api
      .post('/api/auth/login', { username: form.get('username'), password: form.get('password') })
      .then((result) => {
        api.setToken(result.token);
        return boot();
      })
      .catch((error) => ($('login-error').textContent = error.message));
  });
  for (const button of document.querySelectorAll('#side nav button')) button.addEventListener('click', () => showTab(button.dataset.tab));
  $('edit-form').addEventListener('submit', submitEdit);
  if (api.token) await boot().catch(() => logout());
  else $('login').hidden = false;
}

function logout() {
  api.setToken(null);
  if (socket) socket.close();
  socket = null;
  window.vulgraad.ready = false;
  $('login').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
}

async function boot() {
  user = await api.get('/api/auth/me');
  $('login').hidden = true;
  $('logout').hidden = false;
  $('who').textContent = `${user.username} · ${user.role}`;
  $('who').dataset.role = user.role;
  const [mapConfig, districts] = await Promise.all([api.get('/api/map/config'), api.get('/api/districts')]);
  if (!map) await initMap(mapConfig);
  const editsForm = $('edit-form');
  editsForm.classList.toggle('disabled', !canEditPlans());
  editsForm.title = canEditPlans() ? '' : `Your role (${user.role}) may not change plans`;
  if (!canEditPlans()) $('edit-result').textContent = `Your role (${user.role}) may look but not change plans.`;
  connect(districts.map((d) => `district:${d.district}`));
  loadEdits();
  setInterval(renderSummary, 1000);
}

// ---------- the map ----------

async function initMap(config) {
  map = L.map('map', { preferCanvas: true, zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false, attributionControl: false, minZoom: 10, maxZoom: 19 });
  const attribution = L.control.attribution({ prefix: false }).addTo(map);
  if (config.bounds) map.fitBounds([[config.bounds[1], config.bounds[0]], [config.bounds[3], config.bounds[2]]], { padding: [20, 20] });
  else map.setView([52.37, 4.9], 13);
  if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 19 }).addTo(map);
  // ?basemap=off leaves the offline base map out (to compare, e.g. in bench:dashboard).
  const basemapOn = new window.URLSearchParams(window.location.search).get('basemap') !== 'off';
  if (config.basemap && basemapOn) {
    window.vulgraad.basemap = new BasemapLayer(map, api, { attribution: config.basemap.attribution });
    attribution.addAttribution(escapeHtml(config.basemap.attribution));
  }
  // The base map stands in for the plain roads or district outlines.
  const background = config.basemap && basemapOn ? null : await api.get('/api/map/background.geojson');
  if (background && config.background === 'roads') {
    window.vulgraad.roads = new RoadLayer(map, background);
  } else if (background) {
    L.geoJSON(background, {
      renderer: L.canvas({ padding: 0.2 }),
      interactive: false,
      style: { color: '#17324d', weight: 1, opacity: 0.5, fillColor: '#17324d', fillOpacity: 0.04 },
    }).addTo(map);
  }
  routeLayer = new RouteLayer(map);
  window.vulgraad.routes = routeLayer;
  layer = new ContainerLayer(map, containers, { onSelect: (id) => select(id) });
}

// ---------- live feed ----------

function connect(rooms) {
  socket = io({ auth: { token: api.token }, transports: ['websocket'] });
  socket.on('connect', () => {
    $('connection').textContent = 'live';
    $('connection').classList.add('online');
    socket.emit('join', { rooms }, (answer) => {
      if (answer.refused.length > 0) console.warn('rooms refused', answer.refused);
      // The server sends every snapshot before it answers the join.
      window.vulgraad.ready = true;
      layer.invalidate();
    });
  });
  socket.on('disconnect', () => {
    $('connection').textContent = 'offline';
    $('connection').classList.remove('online');
  });
  socket.on('connect_error', (error) => {
    if (String(error.message).startsWith('unauthenticated')) logout();
  });
  socket.on('snapshot', onSnapshot);
  socket.on('containers', onStates);
  socket.on('alert', onAlert);
  socket.on('plan', (message) => message.plan && loadPlan(message.plan.id));
  socket.on('edit', (edit) => {
    prependEdit(edit);
    if (edit.containerId === selectedId) panelDirty = true;
  });
  requestAnimationFrame(frame);
}

function onSnapshot(snapshot) {
  stats.snapshots++;
  if (snapshot.kind !== 'district') return;
  today = snapshot.at.slice(0, 10);
  for (const c of snapshot.containers) {
    const known = containers.get(c.id);
    if (known && known.measuredAt && c.measuredAt && known.measuredAt > c.measuredAt) continue;
    if (known && (known.lat !== c.lat || known.lng !== c.lng)) layer.forget(c.id);
    containers.set(c.id, c);
  }
  for (const a of snapshot.alerts) alerts.set(a.id, a);
  for (const p of snapshot.plans) loadPlan(p.id);
  layer.invalidate();
  alertsDirty = true;
}

function onStates(message) {
  stats.batches++;
  for (const s of message.states) {
    const c = containers.get(s.id);
    if (!c || (c.measuredAt && s.measuredAt < c.measuredAt)) continue;
    c.fillPct = s.fillPct;
    c.temperatureC = s.temperatureC;
    c.batteryPct = s.batteryPct;
    c.flags = s.flags;
    c.measuredAt = s.measuredAt;
    stats.updates++;
    if (s.id === selectedId) panelDirty = true;
  }
  layer.invalidate();
}

function onAlert(event) {
  if (event.status === 'resolved') alerts.delete(event.alertId);
  else {
    const known = alerts.get(event.alertId);
    alerts.set(event.alertId, {
      ...(known ?? {}),
      id: event.alertId,
      containerId: event.containerId,
      district: event.district,
      cause: event.cause,
      status: event.status,
      message: event.message,
      severity: known?.severity ?? SEVERITY[event.cause] ?? 'info',
      openedAt: known?.openedAt ?? event.at,
    });
  }
  alertsDirty = true;
  if (event.containerId === selectedId) panelDirty = true;
}

/** Screen work for everything that arrived since the last frame. */
function frame() {
  if (alertsDirty) {
    alertsDirty = false;
    renderAlerts();
  }
  if (panelDirty) {
    panelDirty = false;
    renderFacts();
  }
  requestAnimationFrame(frame);
}

// ---------- alerts ----------

function renderAlerts() {
  const list = [...alerts.values()].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || String(b.openedAt).localeCompare(String(a.openedAt)));
  $('alert-count').textContent = String(list.length);
  const ul = $('alerts');
  ul.replaceChildren(
    ...list.slice(0, 300).map((a) =>
      el(
        'li',
        { className: `${a.severity} ${a.status}`, dataset: { alertId: a.id, cause: a.cause, containerId: a.containerId }, onclick: () => select(a.containerId, true) },
        el('div', { className: 'cause', textContent: `${CAUSE_LABEL[a.cause] ?? a.cause}${a.status === 'acknowledged' ? ' (acknowledged)' : ''}` }),
        el('div', { textContent: a.message }),
        el('div', { className: 'meta', textContent: `${a.containerId} · ${containers.get(a.containerId)?.district ?? a.district} · ${fmtTime(a.openedAt)}` }),
        canHandleAlerts() && a.status === 'open' ? el('button', { type: 'button', textContent: 'Acknowledge', onclick: (e) => alertAction(e, a.id, 'acknowledge') }) : null,
        canHandleAlerts() ? el('button', { type: 'button', textContent: 'Resolve', onclick: (e) => alertAction(e, a.id, 'resolve') }) : null,
      ),
    ),
  );
  if (list.length > 300) ul.append(el('li', { className: 'meta', textContent: `and ${list.length - 300} more` }));
}

function alertAction(event, id, action) {
  event.stopPropagation();
  api.post(`/api/alerts/${encodeURIComponent(id)}/${action}`, {}).catch((error) => window.alert(error.message));
}

// ---------- plans and routes ----------

async function loadPlan(id) {
  const plan = await api.get(`/api/plans/${encodeURIComponent(id)}`).catch(() => null);
  if (!plan) return;
  for (const [otherId, other] of plans) {
    if (other.district === plan.district && other.fraction === plan.fraction && other.shiftDate === plan.shiftDate && otherId !== plan.id) plans.delete(otherId);
  }
  plans.set(plan.id, plan);
  drawRoutes();
  if (selectedId) panelDirty = true;
}

function drawRoutes() {
  const items = [];
  const drawn = [];
  for (const plan of plans.values()) {
    for (const route of plan.routes) {
      const color = routeColor(route.vehicleId);
      const coords = route.geometry ? route.geometry.coordinates.map(([lng, lat]) => [lat, lng]) : route.stops.filter((s) => s.lat !== null && s.kind !== 'break').map((s) => [s.lat, s.lng]);
      const containerStops = route.stops.filter((s) => s.kind === 'container' && s.lat !== null);
      if (coords.length >= 2) {
        drawn.push({
          vehicleId: route.vehicleId,
          color,
          coordinates: coords.map(([lat, lng]) => [lng, lat]),
          stops: containerStops.map((s, k) => ({ n: k + 1, lng: s.lng, lat: s.lat })),
          roadGeometry: Boolean(route.geometry),
        });
      }
      const containersOnRoute = containerStops.length;
      items.push(
        el(
          'li',
          { dataset: { vehicleId: route.vehicleId } },
          el('span', { className: 'swatch', style: `background:${color}` }),
          el('strong', { textContent: route.vehicleId }),
          ` ${plan.district} · ${plan.fraction} · v${plan.version} · ${containersOnRoute} containers · ${(route.distanceM / 1000).toFixed(1)} km · ${fmtTime(route.startAt)}–${fmtTime(route.endAt)}`,
          el('br'),
          el('button', { type: 'button', textContent: 'Show', onclick: () => coords.length > 0 && map.fitBounds(coords, { padding: [30, 30] }) }),
          el('a', { href: `/api/plans/${encodeURIComponent(plan.id)}/export/gpx?vehicleId=${encodeURIComponent(route.vehicleId)}`, textContent: 'GPX', onclick: (e) => downloadExport(e) }),
        ),
      );
    }
  }
  routeLayer.setRoutes(drawn);
  $('routes').replaceChildren(...items);
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function downloadExport(event) {
  event.preventDefault();
  const href = event.target.getAttribute('href');
  window
    .fetch(href, { headers: { authorization: `Bearer ${api.token}` } })
    .then((r) => r.blob())
    .then((blob) => {
      const a = el('a', { href: window.URL.createObjectURL(blob), download: href.split('/').pop().split('?')[0] });
      a.click();
    });
}

/** The stop of a loaded plan at a container, if any. */
function stopOf(containerId) {
  for (const plan of plans.values()) {
    for (const route of plan.routes) {
      const stop = route.stops.find((s) => s.containerId === containerId);
      if (stop) return { plan, route, stop };
    }
  }
  return null;
}

// ---------- the container panel ----------

function showTab(name) {
  if (name === 'fleet') void fleetPanel.load();
  for (const button of document.querySelectorAll('#side nav button')) button.classList.toggle('active', button.dataset.tab === name);
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.id === `tab-${name}`);
}

async function select(id, pan = false) {
  selectedId = id;
  layer.select(id);
  showTab('container');
  const c = containers.get(id);
  if (pan && c) map.setView([c.lat, c.lng], Math.max(map.getZoom(), 16));
  $('container-empty').hidden = true;
  $('container-detail').hidden = false;
  $('container-detail').dataset.containerId = id;
  $('edit-form').shiftDate.value = today ?? new Date().toISOString().slice(0, 10);
  renderFacts();
  const [history, forecast, edits] = await Promise.all([
    api.get(`/api/containers/${encodeURIComponent(id)}/readings?resolution=hourly`).catch(() => ({ points: [] })),
    api.get(`/api/containers/${encodeURIComponent(id)}/forecast?hours=48`).catch(() => null),
    api.get(`/api/plan-edits?containerId=${encodeURIComponent(id)}`).catch(() => []),
  ]);
  if (selectedId !== id) return;
  drawFillChart($('c-chart'), history.points, forecast ? forecast.points : [], forecast ? Date.parse(forecast.at) : Date.now());
  $('c-forecast').textContent = forecast
    ? `Fills ${forecast.meanRatePctPerH} points an hour; full ${forecast.fullAt ? `around ${fmtTime(forecast.fullAt)} (between ${fmtTime(forecast.fullEarliest)} and ${fmtTime(forecast.fullLatest)})` : 'not within two weeks'}. Sensor: ${forecast.sensor.state}${forecast.fromHistoryOnly ? ', forecast from history only' : ''}.`
    : 'No forecast.';
  $('c-edits').replaceChildren(...edits.slice().reverse().map((e) => el('li', { textContent: `${e.action} · ${e.shiftDate ?? 'every shift'} · ${e.by}: ${e.reason}` })));
}

function renderFacts() {
  const c = containers.get(selectedId);
  if (!c) return;
  $('c-title').textContent = `${c.id} · ${c.wasteType}`;
  const facts = [
    ['District', c.district],
    ['Fill', fmtPct(c.fillPct)],
    ['Measured', fmtTime(c.measuredAt)],
    ['Temperature', c.temperatureC === null || c.temperatureC === undefined ? '–' : `${c.temperatureC} °C`],
    ['Battery', fmtPct(c.batteryPct)],
    ['Flags', c.flags && c.flags.length > 0 ? c.flags.join(', ') : 'none'],
    ['Volume', `${c.volumeL} L`],
    ['Alerts', [...alerts.values()].filter((a) => a.containerId === c.id).map((a) => CAUSE_LABEL[a.cause] ?? a.cause).join(', ') || 'none'],
  ];
  $('c-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: k }), el('dd', { textContent: v, dataset: { fact: k.toLowerCase() } })]));
  const found = stopOf(c.id);
  const why = $('c-why');
  if (!found) {
    why.textContent = 'Not on a route today.';
    return;
  }
  const { plan, route, stop } = found;
  const w = stop.why;
  const stopNumber = route.stops.filter((s) => s.kind === 'container').indexOf(stop) + 1;
  const lines = [`Stop ${stopNumber} of ${route.vehicleId} (${plan.district} ${plan.fraction}, plan v${plan.version}), planned ${fmtTime(stop.arriveAt)}${stop.doneAt ? `, done ${fmtTime(stop.doneAt)}` : ''}.`];
  if (w) {
    const reason = { must: 'it would overflow before the next chance to empty it', worth: 'it is fairly full and close to the route anyway', planner_added: 'a planner added it', locked: 'a planner locked it on the plan' }[w.category] ?? w.category;
    lines.push(`Why: ${reason}.`);
    lines.push(`Fill now ${fmtPct(w.fillNowPct)}, at arrival ${fmtPct(w.predictedFillAtArrivalPct)}${w.overflowRisk !== null ? `, overflow risk ${Math.round(w.overflowRisk * 100)} %` : ''}.`);
    if (w.plannerDecision) lines.push(`Planner: ${w.plannerDecision.action} by ${w.plannerDecision.by}: "${w.plannerDecision.reason}".`);
    if (w.fromHistoryOnly) lines.push('The sensor is silent or doubtful: the forecast comes from history only.');
  }
  why.replaceChildren(...lines.map((line) => el('div', { textContent: line })));
}

function submitEdit(event) {
  event.preventDefault();
  const form = event.target;
  const result = $('edit-result');
  const body = { containerId: selectedId, action: form.action.value, reason: form.reason.value, shiftDate: form.shiftDate.value };
  if (form.vehicleId.value && form.action.value === 'lock') body.vehicleId = form.vehicleId.value;
  api
    .post('/api/plan-edits', body)
    .then((edit) => {
      result.className = 'result ok';
      result.textContent = `Saved: ${edit.action} by ${edit.by}. The planner re-plans what is not yet driven.`;
      form.reason.value = '';
      panelDirty = true;
    })
    .catch((error) => {
      result.className = 'result error';
      result.textContent = `Refused: ${error.message}`;
    });
}

// ---------- edits list and summary ----------

function loadEdits() {
  api.get('/api/plan-edits').then((edits) => {
    $('edits').replaceChildren();
    for (const e of edits.slice().reverse()) prependEdit(e);
  }).catch(() => undefined);
}

function prependEdit(e) {
  $('edits').prepend(el('li', { textContent: `${fmtTime(e.createdAt ?? new Date().toISOString())} · ${e.district} · ${e.containerId}: ${e.action} by ${e.by}: ${e.reason}` }));
}

let lastUpdates = 0;
function renderSummary() {
  let full = 0;
  for (const c of containers.values()) if (c.fillPct !== null && c.fillPct >= 90) full++;
  const rate = stats.updates - lastUpdates;
  lastUpdates = stats.updates;
  $('summary').textContent = `${containers.size} containers · ${full} at 90 % or more · ${alerts.size} open alerts · ${rate} updates/s`;
}

start().catch((error) => console.error(error));
