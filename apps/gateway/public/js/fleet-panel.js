/* global document, window */
// The fleet tab: trucks (capacity, compaction, fractions, depot, shift, break,
// status), depots and disposal sites from /api/vehicles, /api/depots and
// /api/disposal-sites. Planners and admins edit a truck; planners, operators
// and admins mark it broken down or back in service (the planner re-plans).
import { t } from './i18n.js';

const hhmm = (min) => `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

function shiftText(v) {
  if (!v.shiftByWeekday) return t('fleet.daily', { from: hhmm(v.shiftStartMin), to: hhmm(v.shiftEndMin) });
  return Object.entries(v.shiftByWeekday)
    .map(([day, [from, to]]) => `${t(`weekday.${day}`)} ${hhmm(from)}–${hhmm(to)}`)
    .join(', ');
}

const fractions = (list) => list.map((f) => t(`fraction.${f}`)).join(', ');

const node = (tag, props = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null) el[key] = value;
  }
  for (const child of children) if (child !== null && child !== undefined) el.append(child);
  return el;
};

export class FleetPanel {
  constructor(api, root, permissions) {
    this.api = api;
    this.root = root;
    this.permissions = permissions;
    /** What was shown last, to show it again in another language. */
    this.shown = null;
  }

  async load() {
    this.root.replaceChildren(node('p', { className: 'hint', textContent: t('fleet.loading') }));
    try {
      const [vehicles, depots, sites] = await Promise.all([this.api.get('/api/vehicles'), this.api.get('/api/depots'), this.api.get('/api/disposal-sites')]);
      this.shown = { vehicles, depots, sites };
      this.render(vehicles, depots, sites);
    } catch (error) {
      this.root.replaceChildren(node('p', { className: 'result error', textContent: error.message }));
    }
  }

  /** Shows what was loaded last again (the language changed). */
  rerender() {
    if (this.shown) this.render(this.shown.vehicles, this.shown.depots, this.shown.sites);
  }

  render(vehicles, depots, sites) {
    const depotName = new Map(depots.map((d) => [d.id, d.name]));
    const { canEdit, canSetStatus } = this.permissions();
    const trucks = node('ul', { className: 'routes', dataset: { testid: 'fleet-vehicles' } });
    for (const v of vehicles) {
      const broken = v.status === 'out_of_service';
      const item = node(
        'li',
        { dataset: { vehicleId: v.id } },
        node('strong', { textContent: `${v.name} ` }),
        node('span', { className: broken ? 'result error' : 'result ok', textContent: broken ? (v.statusReason ? t('fleet.brokenBecause', { reason: v.statusReason }) : t('fleet.broken')) : t('fleet.inService') }),
        node('div', { className: 'hint', textContent: `${v.id} · ${depotName.get(v.depotId) ?? v.depotId} · ${fractions(v.fractions)} · ${t('fleet.capacity', { litres: v.capacityL, compaction: v.compactionFactor ?? t('fleet.defaultCompaction'), kg: v.capacityKg })}` }),
        node('div', { className: 'hint', textContent: `${t('fleet.shift', { shift: shiftText(v) })}${v.breakMin !== null ? `, ${t('fleet.break', { n: v.breakMin })}` : ''}${v.active ? '' : ` · ${t('fleet.retired')}`}` }),
      );
      if (canSetStatus) {
        item.append(node('button', { type: 'button', textContent: broken ? t('fleet.backInService') : t('fleet.breakDown'), onclick: () => this.setStatus(v, broken ? 'in_service' : 'out_of_service') }));
      }
      if (canEdit) item.append(node('button', { type: 'button', textContent: t('fleet.edit'), onclick: () => item.append(this.editForm(v)) }));
      trucks.append(item);
    }
    const places = (list, describe) => node('ul', { className: 'edits' }, ...list.map((p) => node('li', { textContent: `${p.name} (${p.id}) ${describe(p)}` })));
    this.root.replaceChildren(
      node('h3', { textContent: t('fleet.trucks', { n: vehicles.length }) }),
      trucks,
      node('h3', { textContent: t('fleet.depots') }),
      places(depots, (d) => `${d.lat.toFixed(4)}, ${d.lng.toFixed(4)}`),
      node('h3', { textContent: t('fleet.sites') }),
      places(sites, (s) => `· ${fractions(s.fractions)} · ${t('fleet.open', { from: hhmm(s.openFromMin), to: hhmm(s.openToMin) })} · ${t('fleet.unloading', { n: Math.round(s.serviceTimeS / 60) })}`),
      node('p', { className: 'result', id: 'fleet-result' }),
    );
  }

  async setStatus(v, status) {
    const reason = status === 'out_of_service' ? window.prompt(t('fleet.whyBroken', { name: v.name }), t('fleet.broken')) : null;
    if (status === 'out_of_service' && reason === null) return;
    await this.save(() => this.api.post(`/api/vehicles/${encodeURIComponent(v.id)}/status`, { status, reason: reason || undefined }));
  }

  editForm(v) {
    const field = (label, name, value, attrs = {}) => node('label', { textContent: label }, node('input', { name, value: value ?? '', ...attrs }));
    const form = node(
      'form',
      { onsubmit: (event) => {
        event.preventDefault();
        const data = new window.FormData(form);
        const num = (name) => (data.get(name) === '' ? null : Number(data.get(name)));
        const body = {
          name: v.name, depotId: v.depotId, fractions: v.fractions, equipment: v.equipment, speedFactor: v.speedFactor, costPerKm: v.costPerKm, costPerHour: v.costPerHour,
          shiftByWeekday: v.shiftByWeekday, maxRouteDurationS: v.maxRouteDurationS, active: v.active,
          capacityL: num('capacityL'), capacityKg: num('capacityKg'), compactionFactor: num('compactionFactor'),
          shiftStartMin: num('shiftStartMin'), shiftEndMin: num('shiftEndMin'), breakMin: num('breakMin'),
        };
        void this.save(() => this.api.request('PUT', `/api/vehicles/${encodeURIComponent(v.id)}`, body));
      } },
      field(t('fleet.field.capacityL'), 'capacityL', v.capacityL, { type: 'number', min: 1 }),
      field(t('fleet.field.capacityKg'), 'capacityKg', v.capacityKg, { type: 'number', min: 1 }),
      field(t('fleet.field.compactionFactor'), 'compactionFactor', v.compactionFactor, { type: 'number', min: 1, step: 0.1 }),
      field(t('fleet.field.shiftStartMin'), 'shiftStartMin', v.shiftStartMin, { type: 'number', min: 0 }),
      field(t('fleet.field.shiftEndMin'), 'shiftEndMin', v.shiftEndMin, { type: 'number', min: 0 }),
      field(t('fleet.field.breakMin'), 'breakMin', v.breakMin, { type: 'number', min: 0 }),
      node('button', { type: 'submit', textContent: t('fleet.save') }),
    );
    return form;
  }

  async save(call) {
    try {
      await call();
      await this.load();
      const result = document.getElementById('fleet-result');
      if (result) {
        result.className = 'result ok';
        result.textContent = t('fleet.saved');
      }
    } catch (error) {
      const result = document.getElementById('fleet-result');
      if (result) {
        result.className = 'result error';
        result.textContent = `${error.message}${error.field ? ` (${error.field})` : ''}`;
      }
    }
  }
}
