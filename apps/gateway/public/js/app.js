/* global L, io, window, document, requestAnimationFrame, setInterval, performance */
// The planners' live map: containers coloured by fill, today's routes per
// truck with their progress, the trucks themselves, alerts, a container's
// history and forecast, planner edits and why a stop is on a route.
// Everything arrives over socket.io after a snapshot, under the event names
// of the live-feed contract (live-contract.js is written from
// @vulgraad/contracts); screen work is batched per animation frame.
import { Api } from './api.js';
import { drawFillChart } from './chart.js';
import { routeColor } from './colors.js';
import { ContainerLayer } from './container-layer.js';
import { BasemapLayer } from './basemap-layer.js';
import { FleetPanel } from './fleet-panel.js';
import { formatAlertMessage, formatClock, formatDay, formatTime, i18n, cityDate, startLanguage, t } from './i18n.js';
import { ALERT_CAUSE_SEVERITY, ALERT_SEVERITIES, LIVE_EVENTS, LIVE_REQUESTS, LIVE_ROOMS } from './live-contract.js';
import { RoadLayer } from './road-layer.js';
import { RouteLayer } from './route-layer.js';
import { TruckLayer } from './truck-layer.js';
import { $, el } from './dom.js';

const MAX_ALERTS_SHOWN = 300;
const MAX_FEEDBACK_SHOWN = 100;
const SEARCH_RESULTS = 20;
const ROUTES_REDRAW_MS = 1000;

const fmtPct = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} %`);
const causeLabel = (cause) => (t(`cause.${cause}`) === `cause.${cause}` ? cause : t(`cause.${cause}`));
const severityRank = (severity) => {
  const rank = ALERT_SEVERITIES.indexOf(severity);
  return rank < 0 ? ALERT_SEVERITIES.length : rank;
};

const api = new Api(() => logout());
const fleetPanel = new FleetPanel(api, document.getElementById('tab-fleet'), () => ({ canEdit: canEditPlans(), canSetStatus: canHandleAlerts() }));
const containers = new Map();
const alerts = new Map();
const plans = new Map();
/** route room -> the route's progress (RouteProgress of the contract). */
const progress = new Map();
/** vehicleId -> 'in_service' | 'out_of_service' with its reason. */
const vehicleStatus = new Map();
const feedback = [];
/** containerId -> { address, externalRef }, read once for the search and the panel. */
let directory = null;
let directoryLoading = null;
const stats = { updates: 0, snapshots: 0, batches: 0, positionBatches: 0, positions: 0, progress: 0 };
let user = null;
let socket = null;
let map = null;
let layer = null;
let routeLayer = null;
let truckLayer = null;
let selectedId = null;
let alertsDirty = false;
let panelDirty = false;
let routesDirty = false;
let feedbackDirty = true;
let lastRate = 0;
let lastUpdates = 0;
let lastRoutesDrawMs = -Infinity;

window.vulgraad = {
  containers, alerts, plans, progress, feedback, stats,
  get map() { return map; }, get layer() { return layer; }, get trucks() { return truckLayer; }, get user() { return user; },
  /** The one count of unresolved alerts that the header and the alerts tab both show. */
  alertCount,
  ready: false,
};

function canEditPlans() {
  return user && (user.role === 'planner' || user.role === 'admin');
}
function canHandleAlerts() {
  return user && user.role !== 'viewer';
}

// ---------- start and login ----------

async function start() {
  startLanguage($('lang'), () => rerenderAll());
  $('logout').addEventListener('click', () => logout());
  // The board is a page of its own that the browser opens without our bearer header: first trade the token for the
  // short-lived HttpOnly cookie that only /admin receives (the token never goes into a URL).
  $('queues-link').addEventListener('click', (event) => {
    event.preventDefault();
    api
      .post('/api/auth/admin-session')
      .then(() => window.location.assign('/admin/queues'))
      .catch((error) => ($('queues-link').title = error.message));
  });
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
  setUpTabs();
  setUpSearch();
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
  $('queues-link').hidden = true;
  $('who').textContent = '';
}

async function boot() {
  user = await api.get('/api/auth/me');
  // A driver's place is the driver's screen.
  if (user.role === 'driver') {
    window.location.replace('/driver.html');
    return;
  }
  $('login').hidden = true;
  $('logout').hidden = false;
  $('queues-link').hidden = user.role !== 'admin';
  $('who').textContent = `${user.username} · ${user.role}`;
  $('who').dataset.role = user.role;
  const [mapConfig, districts] = await Promise.all([api.get('/api/map/config'), api.get('/api/districts')]);
  if (mapConfig.timezone) i18n.timeZone = mapConfig.timezone;
  if (!map) await initMap(mapConfig);
  const editsForm = $('edit-form');
  editsForm.classList.toggle('disabled', !canEditPlans());
  editsForm.title = canEditPlans() ? '' : `Your role (${user.role}) may not change plans`;
  if (!canEditPlans()) $('edit-result').textContent = `Your role (${user.role}) may look but not change plans.`;
  connect(districts.map((d) => LIVE_ROOMS.district(d.district)));
  loadEdits();
  setInterval(() => {
    lastRate = stats.updates - lastUpdates;
    lastUpdates = stats.updates;
    renderSummary();
  }, 1000);
}

function rerenderAll() {
  alertsDirty = true;
  panelDirty = true;
  routesDirty = true;
  feedbackDirty = true;
  loadEdits();
  renderSummary();
  fleetPanel.rerender();
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
  truckLayer = new TruckLayer(map);
}

// ---------- live feed ----------

function connect(rooms) {
  socket = io({ auth: { token: api.token }, transports: ['websocket'] });
  socket.on('connect', () => {
    setConnection(true);
    socket.emit(LIVE_REQUESTS.join, { rooms }, (answer) => {
      if (answer.refused.length > 0) console.warn('rooms refused', answer.refused);
      // The server sends every snapshot before it answers the join.
      window.vulgraad.ready = true;
      layer.invalidate();
    });
  });
  socket.on('disconnect', () => setConnection(false));
  socket.on('connect_error', (error) => {
    if (String(error.message).startsWith('unauthenticated')) logout();
  });
  socket.on(LIVE_EVENTS.snapshot, onSnapshot);
  socket.on(LIVE_EVENTS.containers, onStates);
  socket.on(LIVE_EVENTS.alert, onAlert);
  socket.on(LIVE_EVENTS.plan, (message) => message.plan && loadPlan(message.plan.id));
  socket.on(LIVE_EVENTS.edit, (edit) => {
    prependEdit(edit);
    if (edit.containerId === selectedId) panelDirty = true;
  });
  socket.on(LIVE_EVENTS.vehicle, (event) => {
    vehicleStatus.set(event.vehicleId, event);
    routesDirty = true;
  });
  socket.on(LIVE_EVENTS.feedback, onFeedback);
  socket.on(LIVE_EVENTS.positions, onPositions);
  socket.on(LIVE_EVENTS.progress, onProgress);
  socket.on(LIVE_EVENTS.stop, onStop);
  requestAnimationFrame(frame);
}

function setConnection(online) {
  const node = $('connection');
  node.dataset.i18n = online ? 'connection.live' : 'connection.offline';
  node.textContent = t(node.dataset.i18n);
  node.classList.toggle('online', online);
}

function onSnapshot(snapshot) {
  stats.snapshots++;
  if (snapshot.kind !== 'district') return;
  i18n.today = cityDate(snapshot.at);
  for (const c of snapshot.containers) {
    const known = containers.get(c.id);
    if (known && known.measuredAt && c.measuredAt && known.measuredAt > c.measuredAt) continue;
    if (known && (known.lat !== c.lat || known.lng !== c.lng)) layer.forget(c.id);
    containers.set(c.id, c);
  }
  // The snapshot holds every unresolved alert of the district: one resolved while this page was away goes.
  const current = new Set(snapshot.alerts.map((a) => a.id));
  for (const [id, a] of alerts) if (a.district === snapshot.district && !current.has(id)) alerts.delete(id);
  for (const a of snapshot.alerts) alerts.set(a.id, a);
  for (const p of snapshot.plans) loadPlan(p.id);
  for (const p of snapshot.progress ?? []) onProgress(p);
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
      severity: known?.severity ?? event.severity ?? ALERT_CAUSE_SEVERITY[event.cause] ?? ALERT_SEVERITIES[ALERT_SEVERITIES.length - 1],
      openedAt: known?.openedAt ?? event.at,
    });
  }
  alertsDirty = true;
  if (event.containerId === selectedId) panelDirty = true;
}

/** A window's positions (LivePositions of the contract): each truck glides to its newest of them. */
function onPositions(message) {
  stats.positionBatches++;
  const newest = new Map();
  for (const position of message.positions) {
    stats.positions++;
    const known = newest.get(position.vehicleId);
    if (!known || known.at < position.at) newest.set(position.vehicleId, position);
  }
  for (const position of newest.values()) truckLayer.move(position, routeColor(position.vehicleId));
}

function onProgress(route) {
  stats.progress++;
  const known = progress.get(route.room);
  if (known && known.at > route.at) return;
  progress.set(route.room, route);
  if (route.position) truckLayer.move(route.position, routeColor(route.vehicleId));
  routesDirty = true;
  if (selectedId && route.stops.some((s) => s.containerId === selectedId)) panelDirty = true;
}

/** One stop done or skipped: shown at once, before the route's next progress. */
function onStop(event) {
  const route = progress.get(event.room);
  const stop = route?.stops.find((s) => s.containerId === event.containerId && s.sequence === event.sequence);
  if (route && stop && stop.status !== event.status) {
    stop.status = event.status;
    if (event.status === 'done') {
      stop.doneAt = event.at;
      stop.doneHow = event.doneHow;
      route.done++;
    } else {
      stop.reason = event.reason;
      route.skipped++;
    }
    stop.eta = null;
  }
  routesDirty = true;
  if (event.containerId === selectedId) panelDirty = true;
}

function onFeedback(event) {
  feedback.unshift(event);
  if (feedback.length > MAX_FEEDBACK_SHOWN) feedback.length = MAX_FEEDBACK_SHOWN;
  feedbackDirty = true;
  routesDirty = true;
}

/** Screen work for everything that arrived since the last frame. */
function frame() {
  if (alertsDirty) {
    alertsDirty = false;
    renderAlerts();
  }
  // Progress may come for every truck every few seconds: the route list is rebuilt at most once a second.
  if (routesDirty && performance.now() - lastRoutesDrawMs >= ROUTES_REDRAW_MS) {
    routesDirty = false;
    lastRoutesDrawMs = performance.now();
    drawRoutes();
  }
  if (feedbackDirty) {
    feedbackDirty = false;
    renderFeedback();
  }
  if (panelDirty) {
    panelDirty = false;
    renderFacts();
  }
  requestAnimationFrame(frame);
}

// ---------- alerts ----------

function alertCount() {
  return alerts.size;
}

function renderAlerts() {
  const list = [...alerts.values()].sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || String(b.openedAt).localeCompare(String(a.openedAt)));
  const count = alertCount();
  $('alert-count').textContent = String(count);
  $('tabbtn-alerts').setAttribute('aria-label', t('tabs.alertsCount', { n: count }));
  // The header shows the same count in the same frame.
  renderSummary();
  const ul = $('alerts');
  if (list.length === 0) {
    ul.replaceChildren(el('li', { className: 'hint', textContent: t('alerts.none') }));
    return;
  }
  ul.replaceChildren(
    ...list.slice(0, MAX_ALERTS_SHOWN).map((a) => {
      const container = containers.get(a.containerId);
      return el(
        'li',
        { className: `${a.severity} ${a.status}`, dataset: { alertId: a.id, cause: a.cause, containerId: a.containerId, severity: a.severity } },
        el(
          'button',
          { type: 'button', className: 'open', onclick: () => select(a.containerId, true, true) },
          el('div', { className: 'cause', textContent: `${causeLabel(a.cause)}${a.status === 'acknowledged' ? ` (${t('alerts.acknowledged')})` : ''}` }),
          el('div', { className: 'message', textContent: formatAlertMessage(a.message) }),
          el('div', { className: 'meta', textContent: `${a.containerId} · ${container?.district ?? a.district} · ${formatTime(a.openedAt)}` }),
        ),
        canHandleAlerts() && a.status === 'open' ? el('button', { type: 'button', textContent: t('alerts.acknowledge'), onclick: (e) => alertAction(e, a.id, 'acknowledge') }) : null,
        canHandleAlerts() ? el('button', { type: 'button', textContent: t('alerts.resolve'), onclick: (e) => alertAction(e, a.id, 'resolve') }) : null,
      );
    }),
  );
  if (list.length > MAX_ALERTS_SHOWN) ul.append(el('li', { className: 'meta', textContent: t('alerts.more', { n: list.length - MAX_ALERTS_SHOWN }) }));
}

function alertAction(event, id, action) {
  event.stopPropagation();
  api.post(`/api/alerts/${encodeURIComponent(id)}/${action}`, {}).catch((error) => window.alert(error.message));
}

// ---------- plans, routes and their progress ----------

async function loadPlan(id) {
  const plan = await api.get(`/api/plans/${encodeURIComponent(id)}`).catch(() => null);
  if (!plan) return;
  for (const [otherId, other] of plans) {
    if (other.district === plan.district && other.fraction === plan.fraction && other.shiftDate === plan.shiftDate && otherId !== plan.id) plans.delete(otherId);
  }
  plans.set(plan.id, plan);
  routesDirty = true;
  if (selectedId) panelDirty = true;
}

function progressOf(plan, route) {
  return progress.get(LIVE_ROOMS.route(route.vehicleId, plan.shiftDate)) ?? null;
}

/** "14 of 22, 12 min behind" (or what is known of it). */
function progressText(route, p) {
  if (!p) {
    // No live progress (yet): what the plan itself records as done.
    const containerStops = route.stops.filter((s) => s.kind === 'container');
    return t('routes.progress', { done: containerStops.filter((s) => s.doneAt).length, total: containerStops.length });
  }
  const parts = [t('routes.progress', { done: p.done, total: p.total })];
  if (p.skipped > 0) parts.push(t('routes.skipped', { n: p.skipped }));
  if (!p.position) parts.push(t('routes.notStarted'));
  else if (p.behindMin > 0) parts.push(t('routes.behind', { n: p.behindMin }));
  else if (p.behindMin < 0) parts.push(t('routes.ahead', { n: -p.behindMin }));
  else parts.push(t('routes.onTime'));
  return parts.join(', ');
}

function drawRoutes() {
  const items = [];
  const drawn = [];
  const list = $('routes');
  // The list is built anew: keep which timelines were open and where the keyboard was.
  const open = new Set([...list.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  const focusKey = list.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  for (const plan of plans.values()) {
    for (const route of plan.routes) {
      const color = routeColor(route.vehicleId);
      const p = progressOf(plan, route);
      const statusOf = new Map((p?.stops ?? []).map((s) => [s.containerId, s]));
      const coords = route.geometry ? route.geometry.coordinates.map(([lng, lat]) => [lat, lng]) : route.stops.filter((s) => s.lat !== null && s.kind !== 'break').map((s) => [s.lat, s.lng]);
      const containerStops = route.stops.filter((s) => s.kind === 'container' && s.lat !== null);
      if (coords.length >= 2) {
        drawn.push({
          vehicleId: route.vehicleId,
          color,
          coordinates: coords.map(([lat, lng]) => [lng, lat]),
          stops: containerStops.map((s, k) => ({ n: k + 1, lng: s.lng, lat: s.lat, containerId: s.containerId, status: statusOf.get(s.containerId)?.status ?? (s.doneAt ? 'done' : 'planned') })),
          roadGeometry: Boolean(route.geometry),
        });
      }
      const key = `${plan.id}:${route.vehicleId}`;
      const behind = p && p.position && p.behindMin > 0;
      const status = vehicleStatus.get(route.vehicleId);
      items.push(
        el(
          'li',
          { dataset: { vehicleId: route.vehicleId, planId: plan.id } },
          el('span', { className: 'swatch', style: `background:${color}`, attrs: { 'aria-hidden': 'true' } }),
          el('strong', { textContent: route.vehicleId }),
          ` ${plan.district} · ${t(`fraction.${plan.fraction}`)} · v${plan.version}${plan.shiftDate !== i18n.today ? ` · ${formatDay(plan.shiftDate)}` : ''}`,
          el('br'),
          el('span', { className: `progress${behind ? ' behind' : p && p.position && p.behindMin < 0 ? ' ahead' : ''}`, dataset: { testid: 'route-progress' }, textContent: progressText(route, p) }),
          status && status.status === 'out_of_service' ? el('span', { className: 'error', textContent: ` · ${status.status.replace(/_/g, ' ')}${status.reason ? `: ${status.reason}` : ''}` }) : null,
          el('div', { className: 'meta', textContent: `${t('routes.containers', { n: containerStops.length })} · ${(route.distanceM / 1000).toFixed(1)} km · ${formatClock(route.startAt)}–${formatClock(route.endAt)}` }),
          el('button', { type: 'button', textContent: t('routes.show'), dataset: { focusKey: `show:${key}` }, onclick: () => coords.length > 0 && map.fitBounds(coords, { padding: [30, 30] }) }),
          el('a', { href: `/api/plans/${encodeURIComponent(plan.id)}/export/gpx?vehicleId=${encodeURIComponent(route.vehicleId)}`, textContent: 'GPX', dataset: { focusKey: `gpx:${key}` }, onclick: (e) => downloadExport(e) }),
          timeline(plan, route, p, key, open.has(key)),
        ),
      );
    }
  }
  routeLayer.setRoutes(drawn);
  list.replaceChildren(...(items.length > 0 ? items : [el('li', { className: 'hint', textContent: t('routes.none') })]));
  if (focusKey) list.querySelector(`[data-focus-key="${focusKey}"]`)?.focus();
}

/** A truck's day: a bar from the first to the last planned stop with each stop's mark and now, then the stops as they went. */
function timeline(plan, route, p, key, open) {
  const stops = route.stops.filter((s) => s.kind === 'container');
  const startMs = Date.parse(route.startAt);
  const endMs = Math.max(Date.parse(route.endAt), startMs + 1);
  const place = (iso) => `${Math.max(0, Math.min(100, ((Date.parse(iso) - startMs) / (endMs - startMs)) * 100)).toFixed(1)}%`;
  const progressBy = new Map((p?.stops ?? []).map((s) => [s.containerId, s]));
  const bar = el('div', { className: 'timeline-bar', attrs: { 'aria-hidden': 'true' } });
  const rows = [];
  stops.forEach((stop, k) => {
    const s = progressBy.get(stop.containerId);
    const status = s?.status ?? (stop.doneAt ? 'done' : 'planned');
    const when = status === 'done' ? s?.doneAt ?? stop.doneAt : s?.eta ?? stop.arriveAt;
    bar.append(el('i', { className: status, style: `left:${place(stop.arriveAt)}`, title: `${k + 1} ${stop.containerId}` }));
    let what = `${k + 1} · ${stop.containerId} · ${t(`stop.${status}`)}`;
    if (status === 'done' && s?.doneHow) what += ` (${t(`how.${s.doneHow}`)})`;
    if (status === 'skipped' && s?.reason) what += `: ${s.reason}`;
    if ((status === 'planned' || status === 'late') && s?.eta) what += ` · ${t('stop.eta', { time: formatClock(s.eta) })}`;
    rows.push(el('li', { className: status, dataset: { containerId: stop.containerId, status } }, el('span', { textContent: formatClock(when) }), el('span', { className: 'what', textContent: what })));
  });
  if (p?.at) bar.append(el('span', { className: 'now', style: `left:${place(p.at)}` }));
  for (const f of feedback.filter((x) => x.vehicleId === route.vehicleId)) {
    rows.push(el('li', { className: 'feedback' }, el('span', { textContent: formatClock(f.at) }), el('span', { className: 'what', textContent: `${f.containerId} · ${t(`feedback.${f.kind}`)}${f.note ? `: ${f.note}` : ''}` })));
  }
  const details = el(
    'details',
    { dataset: { key } },
    el('summary', { textContent: t('routes.timeline'), dataset: { focusKey: `timeline:${key}` } }),
    bar,
    el('ul', { className: 'timeline', dataset: { testid: 'timeline' } }, ...rows),
  );
  details.open = open;
  return details;
}

function renderFeedback() {
  const ul = $('feedback');
  if (feedback.length === 0) {
    ul.replaceChildren(el('li', { className: 'hint', textContent: t('routes.noFeedback') }));
    return;
  }
  ul.replaceChildren(
    ...feedback.map((f) =>
      el(
        'li',
        { dataset: { containerId: f.containerId, kind: f.kind } },
        el('strong', { textContent: `${f.containerId} · ${t(`feedback.${f.kind}`)}` }),
        f.note ? ` ${f.note}` : '',
        el('div', { className: 'meta', textContent: `${f.vehicleId ?? ''} · ${formatTime(f.at)}` }),
      ),
    ),
  );
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

// ---------- tabs ----------

function setUpTabs() {
  const buttons = [...document.querySelectorAll('#side nav [role=tab]')];
  for (const button of buttons) {
    button.addEventListener('click', () => showTab(button.dataset.tab));
    // Arrow keys move between tabs, as a tab list does; Tab goes into the panel.
    button.addEventListener('keydown', (event) => {
      const at = buttons.indexOf(button);
      const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      const target = buttons[(next + buttons.length) % buttons.length];
      showTab(target.dataset.tab);
      target.focus();
    });
  }
}

function showTab(name) {
  if (name === 'fleet') void fleetPanel.load();
  for (const button of document.querySelectorAll('#side nav [role=tab]')) {
    const active = button.dataset.tab === name;
    button.classList.toggle('active', active);
    button.setAttribute('aria-selected', String(active));
    button.tabIndex = active ? 0 : -1;
  }
  for (const tab of document.querySelectorAll('.tab')) tab.classList.toggle('active', tab.id === `tab-${name}`);
}

// ---------- search ----------

function loadDirectory() {
  if (directory) return Promise.resolve(directory);
  if (!directoryLoading) {
    directoryLoading = api
      .get('/api/containers')
      .then((collection) => {
        directory = new Map(collection.features.map((f) => [f.properties.id, { address: f.properties.address, externalRef: f.properties.externalRef }]));
        panelDirty = true;
        return directory;
      })
      .catch((error) => {
        directoryLoading = null;
        throw error;
      });
  }
  return directoryLoading;
}

/** Containers whose id, reference or address holds every word typed. */
function searchContainers(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const found = [];
  for (const c of containers.values()) {
    const entry = directory?.get(c.id);
    const text = `${c.id} ${entry?.externalRef ?? ''} ${entry?.address ?? ''}`.toLowerCase();
    if (words.every((w) => text.includes(w))) found.push({ c, entry });
    if (found.length >= SEARCH_RESULTS) break;
  }
  return found;
}

function setUpSearch() {
  const input = $('search-input');
  const results = $('search-results');
  let active = -1;
  const close = () => {
    results.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const choose = (id) => {
    close();
    input.value = id;
    select(id, true, true);
  };
  const highlight = (index) => {
    const options = results.querySelectorAll('[role=option]');
    if (options.length === 0) return;
    active = (index + options.length) % options.length;
    options.forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
    input.setAttribute('aria-activedescendant', options[active].id);
    options[active].scrollIntoView({ block: 'nearest' });
  };
  const show = () => {
    const found = searchContainers(input.value);
    active = -1;
    if (input.value.trim() === '') return close();
    results.replaceChildren(
      ...(found.length === 0
        ? [el('li', { className: 'meta', textContent: t('search.none') })]
        : found.map(({ c, entry }, i) =>
            el(
              'li',
              { id: `search-option-${i}`, dataset: { containerId: c.id }, attrs: { role: 'option', 'aria-selected': 'false' }, onmousedown: (e) => e.preventDefault(), onclick: () => choose(c.id) },
              el('div', { textContent: `${c.id} · ${t(`fraction.${c.wasteType}`)}` }),
              el('div', { className: 'meta', textContent: [entry?.address, c.district, fmtPct(c.fillPct)].filter(Boolean).join(' · ') }),
            ),
          )),
    );
    results.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  input.addEventListener('focus', () => void loadDirectory().then(() => input.value && show()).catch(() => undefined));
  input.addEventListener('input', show);
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (results.hidden) show();
      highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Escape') close();
  });
  $('search').addEventListener('submit', (event) => {
    event.preventDefault();
    const options = results.querySelectorAll('[role=option]');
    const option = options[Math.max(0, active)];
    if (option) choose(option.dataset.containerId);
  });
}

// ---------- the container panel ----------

async function select(id, pan = false, focus = false) {
  selectedId = id;
  layer.select(id);
  showTab('container');
  const c = containers.get(id);
  if (pan && c) map.setView([c.lat, c.lng], Math.max(map.getZoom(), 16));
  $('container-empty').hidden = true;
  $('container-detail').hidden = false;
  $('container-detail').dataset.containerId = id;
  $('edit-form').shiftDate.value = i18n.today ?? new Date().toISOString().slice(0, 10);
  renderFacts();
  // Chosen from a list by keyboard: the panel's title takes the focus, so a screen reader reads on from there.
  if (focus) $('c-title').focus();
  void loadDirectory().catch(() => undefined);
  const [history, forecast, edits] = await Promise.all([
    api.get(`/api/containers/${encodeURIComponent(id)}/readings?resolution=hourly`).catch(() => ({ points: [] })),
    api.get(`/api/containers/${encodeURIComponent(id)}/forecast?hours=48`).catch(() => null),
    api.get(`/api/plan-edits?containerId=${encodeURIComponent(id)}`).catch(() => []),
  ]);
  if (selectedId !== id) return;
  drawFillChart($('c-chart'), history.points, forecast ? forecast.points : [], forecast ? Date.parse(forecast.at) : Date.now(), { timeZone: i18n.timeZone, locale: i18n.lang === 'nl' ? 'nl-NL' : 'en-GB' });
  $('c-chart').setAttribute('aria-label', t('container.chart'));
  $('c-forecast').textContent = forecast
    ? t('forecast.rate', {
        rate: forecast.meanRatePctPerH,
        when: forecast.fullAt ? t('forecast.around', { at: formatTime(forecast.fullAt), from: formatTime(forecast.fullEarliest), to: formatTime(forecast.fullLatest) }) : t('forecast.notSoon'),
        sensor: forecast.sensor.state,
        history: forecast.fromHistoryOnly ? t('forecast.historyOnly') : '',
      })
    : t('forecast.none');
  $('c-edits').replaceChildren(...edits.slice().reverse().map((e) => el('li', { textContent: `${e.action} · ${e.shiftDate ?? 'every shift'} · ${e.by}: ${e.reason}` })));
}

function renderFacts() {
  const c = containers.get(selectedId);
  if (!c) return;
  $('c-title').textContent = `${c.id} · ${t(`fraction.${c.wasteType}`)}`;
  const address = directory?.get(c.id)?.address;
  const facts = [
    ['district', c.district],
    ...(address ? [['address', address]] : []),
    ['fill', fmtPct(c.fillPct)],
    ['measured', formatTime(c.measuredAt)],
    ['temperature', c.temperatureC === null || c.temperatureC === undefined ? '–' : `${c.temperatureC} °C`],
    ['battery', fmtPct(c.batteryPct)],
    ['flags', c.flags && c.flags.length > 0 ? c.flags.join(', ') : t('none')],
    ['volume', `${c.volumeL} L`],
    ['alerts', [...alerts.values()].filter((a) => a.containerId === c.id).map((a) => causeLabel(a.cause)).join(', ') || t('none')],
  ];
  $('c-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', { textContent: t(`fact.${k}`) }), el('dd', { textContent: v, dataset: { fact: k } })]));
  const found = stopOf(c.id);
  const why = $('c-why');
  if (!found) {
    why.textContent = t('why.none');
    return;
  }
  const { plan, route, stop } = found;
  const w = stop.why;
  const stopNumber = route.stops.filter((s) => s.kind === 'container').indexOf(stop) + 1;
  const live = progressOf(plan, route)?.stops.find((s) => s.containerId === c.id);
  const doneAt = live?.doneAt ?? stop.doneAt;
  let head = t('why.stop', { n: stopNumber, truck: route.vehicleId, district: plan.district, fraction: t(`fraction.${plan.fraction}`), version: plan.version, planned: formatTime(stop.arriveAt) });
  if (doneAt) head += `, ${t('why.done', { time: formatTime(doneAt) })}`;
  if (live && live.status !== 'done') head += ` (${t(`stop.${live.status}`)}${live.eta ? `, ${t('stop.eta', { time: formatClock(live.eta) })}` : ''})`;
  const lines = [`${head}.`];
  if (w) {
    lines.push(t('why.because', { reason: t(`why.${w.category}`) === `why.${w.category}` ? w.category : t(`why.${w.category}`) }));
    const fill = t('why.fill', { now: fmtPct(w.fillNowPct), arrival: fmtPct(w.predictedFillAtArrivalPct) });
    lines.push(`${fill}${w.overflowRisk !== null ? `, ${t('why.risk', { pct: Math.round(w.overflowRisk * 100) })}` : ''}.`);
    if (w.plannerDecision) lines.push(t('why.planner', { action: w.plannerDecision.action, by: w.plannerDecision.by, reason: w.plannerDecision.reason }));
    if (w.fromHistoryOnly) lines.push(t('why.history'));
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
  $('edits').prepend(el('li', { textContent: `${formatTime(e.createdAt ?? new Date().toISOString())} · ${e.district} · ${e.containerId}: ${e.action} by ${e.by}: ${e.reason}` }));
}

function renderSummary() {
  let full = 0;
  for (const c of containers.values()) if (c.fillPct !== null && c.fillPct >= 90) full++;
  $('summary').textContent = t('summary', { containers: containers.size, full, alerts: alertCount(), rate: lastRate });
  $('summary').dataset.alerts = String(alertCount());
}

start().catch((error) => console.error(error));
