/* global io, window, document, crypto, FileReader, Image, setInterval */
// The driver's screen: today's route of the driver's own truck, stop by stop
// in driving order, with where it is, what it holds and what to expect; a
// link that opens the phone's navigation; one tap per outcome, with an
// optional photo. Taps go through the outbox, so a short loss of network
// loses nothing and a tap counts once however often it is sent.
import { Api } from './api.js';
import { formatClock, i18n, startLanguage, t } from './i18n.js';
import { LIVE_API, LIVE_EVENTS, LIVE_REQUESTS, LIVE_ROOMS } from './live-contract.js';
import { Outbox } from './outbox.js';
import { $, el } from './dom.js';

/** The taps a driver has, in the order of the buttons: what is sent, and its label. */
const TAPS = [
  { key: 'done', kind: 'done' },
  { key: 'parked_car', kind: 'blocked', blockedBy: 'parked_car' },
  { key: 'road_works', kind: 'blocked', blockedBy: 'road_works' },
  { key: 'not_accessible', kind: 'not_accessible' },
  { key: 'damaged', kind: 'damaged' },
  { key: 'contaminated', kind: 'contaminated' },
  { key: 'waste_beside', kind: 'waste_beside' },
];
/** Until the gateway tells its own limit, photos are held to this size. */
const DEFAULT_PHOTO_MAX_BYTES = 2_000_000;
/** Photos are scaled down to this longest side before the size check: a phone camera's 12 MP says no more about a blocked pit. */
const PHOTO_MAX_SIDE_PX = 1600;
const REFRESH_MS = 30_000;


const api = new Api(() => showLogin());
const state = {
  day: null,
  /** containerId -> the local outcome of a tap not yet confirmed: { status, kind } */
  local: new Map(),
  /** containerId -> photo chosen for the next tap: { contentType, base64 } */
  photos: new Map(),
  queued: 0,
  sent: [],
  refused: [],
  ready: false,
};
let socket = null;
let photoMaxBytes = DEFAULT_PHOTO_MAX_BYTES;

const outbox = new Outbox((body) => api.post(LIVE_API.driverActions, body), {
  onChange: () => void renderOutbox(),
  onSent: (entry, answer) => {
    state.sent.push({ actionId: entry.actionId, created: answer?.created ?? null });
    state.local.delete(entry.body.containerId);
    void refresh();
  },
  onRefused: (entry, error) => {
    state.refused.push({ actionId: entry.actionId, message: error.message });
    state.local.delete(entry.body.containerId);
    const result = document.querySelector(`[data-container-id="${entry.body.containerId}"] .result`);
    if (result) {
      result.className = 'result error';
      result.textContent = t('driver.refused', { message: error.message });
    }
    render();
  },
});

window.vulgraadDriver = { state, outbox, get day() { return state.day; } };

async function start() {
  startLanguage($('lang'), () => {
    render();
    void renderOutbox();
  });
  $('print').addEventListener('click', () => window.print());
  $('logout').addEventListener('click', () => {
    api.setToken(null);
    if (socket) socket.close();
    socket = null;
    showLogin();
  });
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new window.FormData(event.target);
    api
      .post('/api/auth/login', { username: form.get('username'), password: form.get('password') })
      .then((result) => {
        api.setToken(result.token);
        return state.ready ? refresh().then(() => outbox.flush()) : boot();
      })
      .catch((error) => ($('login-error').textContent = error.message));
  });
  window.addEventListener('online', () => setConnection());
  window.addEventListener('offline', () => setConnection());
  if (api.token) await boot().catch(() => showLogin());
  else showLogin();
}

function showLogin() {
  $('login').hidden = false;
  $('logout').hidden = true;
}

async function boot() {
  const [me, config] = await Promise.all([api.get('/api/auth/me'), api.get('/api/map/config').catch(() => null)]);
  if (config?.timezone) i18n.timeZone = config.timezone;
  $('login').hidden = true;
  $('logout').hidden = false;
  $('driver-main').hidden = false;
  state.user = me;
  await refresh();
  $('login').hidden = true;
  await renderOutbox();
  void outbox.flush();
  connect();
  setInterval(() => void refresh(), REFRESH_MS);
  state.ready = true;
}

/** The day's route as the gateway has it now (a driver without a truck of their own may name one: ?vehicleId=). */
async function refresh() {
  const vehicleId = new window.URLSearchParams(window.location.search).get('vehicleId');
  try {
    state.day = await api.get(`${LIVE_API.driverRoute}${vehicleId ? `?vehicleId=${encodeURIComponent(vehicleId)}` : ''}`);
    if (state.day?.photoMaxBytes) photoMaxBytes = state.day.photoMaxBytes;
    i18n.today = state.day?.shiftDate ?? i18n.today;
  } catch (error) {
    // Offline: keep showing the route already loaded.
    if (error.status === 404) state.day = null;
    else if (!state.day) console.warn('route not loaded', error.message);
  }
  render();
}

function connect() {
  if (!state.day?.route || socket) return;
  socket = io({ auth: { token: api.token }, transports: ['websocket'] });
  socket.on('connect', () => {
    setConnection();
    socket.emit(LIVE_REQUESTS.join, { rooms: [LIVE_ROOMS.route(state.day.vehicleId, state.day.shiftDate)] }, () => undefined);
    void outbox.flush();
  });
  socket.on('disconnect', () => setConnection());
  socket.on(LIVE_EVENTS.progress, (progress) => {
    if (!state.day || progress.vehicleId !== state.day.vehicleId) return;
    state.day.progress = progress;
    render();
  });
  socket.on(LIVE_EVENTS.plan, (message) => message.route && void refresh());
}

function setConnection() {
  const online = window.navigator.onLine && Boolean(socket?.connected);
  const node = $('connection');
  node.dataset.i18n = online ? 'connection.live' : 'connection.offline';
  node.textContent = t(node.dataset.i18n);
  node.classList.toggle('online', online);
}

async function renderOutbox() {
  const waiting = (await outbox.pending()).length;
  state.queued = waiting;
  const node = $('outbox');
  node.textContent = waiting > 0 ? t('driver.queued', { n: waiting }) : t('driver.allSent');
  node.classList.toggle('waiting', waiting > 0);
  node.dataset.waiting = String(waiting);
}

/** The container stops of the route in driving order, each with its live status. */
function stopsOfDay() {
  const day = state.day;
  if (!day?.route) return [];
  const live = new Map((day.progress?.stops ?? []).map((s) => [s.containerId, s]));
  const about = new Map((day.containers ?? []).map((c) => [c.id, c]));
  return day.route.stops
    .filter((s) => s.kind === 'container')
    .map((stop, k) => {
      const p = live.get(stop.containerId);
      const local = state.local.get(stop.containerId);
      return { stop, n: k + 1, progress: p, local, container: about.get(stop.containerId), status: local?.status ?? p?.status ?? (stop.doneAt ? 'done' : 'planned'), pending: Boolean(local) };
    });
}

function render() {
  const day = state.day;
  const stops = stopsOfDay();
  $('no-route').hidden = Boolean(day?.route);
  if (!day?.route) {
    $('stops').replaceChildren();
    $('route-title').textContent = '';
    $('route-progress').textContent = '';
    return;
  }
  $('route-title').textContent = `${t('driver.truck', { id: day.vehicleId })} · ${day.shiftDate}`;
  const done = stops.filter((s) => s.status === 'done').length;
  $('route-progress').textContent = t('driver.progress', { done, total: stops.length });
  const next = stops.find((s) => s.status === 'planned' || s.status === 'late');
  $('stops').replaceChildren(...stops.map((s) => renderStop(s, s === next)));
}

function renderStop({ stop, n, progress, local, container, status, pending }, isNext) {
  const address = container?.address ?? stop.address ?? null;
  const fraction = container?.wasteType ?? stop.wasteType ?? state.day.fraction ?? null;
  const expectPct = stop.why?.predictedFillAtArrivalPct;
  const label = `${n}. ${address ?? stop.containerId}`;
  const geo = `geo:${stop.lat},${stop.lng}?q=${stop.lat},${stop.lng}(${encodeURIComponent(address ?? stop.containerId)})`;
  const open = status === 'planned' || status === 'late';
  const when = local ? local.at : status === 'done' ? progress?.doneAt : status === 'skipped' ? null : progress?.eta ?? stop.arriveAt;
  return el(
    'li',
    { className: `stop ${status}${pending ? ' pending' : ''}${isNext ? ' next' : ''}`, dataset: { containerId: stop.containerId, status }, attrs: { 'aria-label': label } },
    el(
      'div',
      { className: 'body' },
      el('h3', {}, el('span', { className: 'n', textContent: String(n) }), el('span', { textContent: address ?? stop.containerId })),
      el('p', { className: 'what', textContent: [address ? stop.containerId : null, fraction ? t(`fraction.${fraction}`) : null, container?.volumeL ? `${container.volumeL} L` : null, expectPct !== undefined && expectPct !== null ? t('driver.expect', { pct: Math.round(expectPct) }) : null].filter(Boolean).join(' · ') }),
      el('p', { className: 'when' }, el('span', { className: 'status', textContent: t(`stop.${status}`) }), ` · ${formatClock(when)}${progress?.reason ? ` · ${progress.reason}` : ''}`),
      el('p', { className: 'sheet-only', textContent: t('driver.planned', { time: formatClock(stop.arriveAt) }) }),
      el('a', { className: 'nav', href: geo, textContent: t('driver.navigate'), attrs: { 'aria-label': `${t('driver.navigate')}: ${address ?? stop.containerId}` } }),
      open
        ? el(
            'div',
            { className: 'actions', attrs: { role: 'group', 'aria-label': t('driver.stop', { n }) } },
            ...TAPS.map((tap) =>
              el('button', {
                type: 'button',
                className: tap.key,
                dataset: { action: tap.key },
                textContent: tap.kind === 'blocked' ? `${t('action.blocked')}: ${t(`blocked.${tap.blockedBy}`)}` : t(`action.${tap.kind}`),
                onclick: (event) => void tapStop(stop, tap, event.currentTarget),
              }),
            ),
          )
        : null,
      open
        ? el(
            'label',
            { className: 'photo' },
            t('driver.photo'),
            el('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp', attrs: { capture: 'environment' }, onchange: (event) => void choosePhoto(stop.containerId, event.target) }),
          )
        : null,
      el('p', { className: 'result', attrs: { role: 'status' } }),
    ),
  );
}

async function tapStop(stop, tap, button) {
  const actionId = newActionId();
  const body = { actionId, containerId: stop.containerId, kind: tap.kind, at: new Date().toISOString(), vehicleId: state.day.vehicleId };
  if (tap.blockedBy) body.blockedBy = tap.blockedBy;
  const photo = state.photos.get(stop.containerId);
  if (photo) body.photo = photo;
  state.photos.delete(stop.containerId);
  // waste_beside is a remark: the stop stays open.
  if (tap.kind !== 'waste_beside') state.local.set(stop.containerId, { status: tap.kind === 'done' ? 'done' : 'skipped', kind: tap.kind, at: body.at });
  button.disabled = true;
  await outbox.add(body);
  render();
  const result = document.querySelector(`[data-container-id="${stop.containerId}"] .result`);
  if (result && !state.refused.some((r) => r.actionId === actionId)) {
    const stillQueued = (await outbox.pending()).some((e) => e.actionId === actionId);
    result.className = 'result ok';
    result.textContent = stillQueued ? t('driver.sentLater') : t('driver.saved');
  }
}

/** Reads a chosen photo, scales it down, and keeps it for the stop's next tap when it fits the limit. */
async function choosePhoto(containerId, input) {
  const file = input.files?.[0];
  const result = input.closest('.stop')?.querySelector('.result');
  if (!file) return;
  const photo = await shrink(file);
  const bytes = Math.floor((photo.base64.length * 3) / 4);
  if (bytes > photoMaxBytes) {
    input.value = '';
    state.photos.delete(containerId);
    if (result) {
      result.className = 'result error';
      result.textContent = t('driver.photoTooBig', { size: megabytes(bytes), max: megabytes(photoMaxBytes) });
    }
    return;
  }
  state.photos.set(containerId, photo);
  if (result) {
    result.className = 'result ok';
    result.textContent = `${file.name} · ${megabytes(bytes)}`;
  }
}

/** A tap's id, made on the phone: 128 random bits as hex (crypto.randomUUID needs HTTPS, getRandomValues does not). */
function newActionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `tap-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const megabytes = (bytes) => `${(bytes / 1_000_000).toFixed(1)} MB`;

async function shrink(file) {
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  const original = { contentType: file.type || 'image/jpeg', base64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
  const image = await new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = dataUrl;
  });
  if (!image) return original;
  const scale = Math.min(1, PHOTO_MAX_SIDE_PX / Math.max(image.naturalWidth, image.naturalHeight));
  if (scale === 1 && original.base64.length * 0.75 <= photoMaxBytes) return original;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(image.naturalWidth * scale);
  canvas.height = Math.round(image.naturalHeight * scale);
  canvas.getContext('2d').drawImage(image, 0, 0, canvas.width, canvas.height);
  const jpeg = canvas.toDataURL('image/jpeg', 0.8);
  return { contentType: 'image/jpeg', base64: jpeg.slice(jpeg.indexOf(',') + 1) };
}

start().catch((error) => console.error(error));
