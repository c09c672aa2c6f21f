/* global document, window */
// The fleet tab: trucks (capacity, compaction, fractions, depot, shift, break,
// status), depots and disposal sites from /api/vehicles, /api/depots and
// /api/disposal-sites. Planners and admins edit a truck; planners, operators
// and admins mark it broken down or back in service (the planner re-plans).

const hhmm = (min) => `${String(Math.floor(min / 60) % 24).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function shiftText(v) {
  if (!v.shiftByWeekday) return `${hhmm(v.shiftStartMin)}–${hhmm(v.shiftEndMin)} daily`;
  return Object.entries(v.shiftByWeekday)
    .map(([day, [from, to]]) => `${WEEKDAYS[Number(day) - 1]} ${hhmm(from)}–${hhmm(to)}`)
    .join(', ');
}

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
  }

  async load() {
    this.root.replaceChildren(node('p', { className: 'hint', textContent: 'Loading the fleet…' }));
    try {
      const [vehicles, depots, sites] = await Promise.all([this.api.get('/api/vehicles'), this.api.get('/api/depots'), this.api.get('/api/disposal-sites')]);
      this.render(vehicles, depots, sites);
    } catch (error) {
      this.root.replaceChildren(node('p', { className: 'result error', textContent: error.message }));
    }
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
        node('span', { className: broken ? 'result error' : 'result ok', textContent: broken ? `broken down${v.statusReason ? `: ${v.statusReason}` : ''}` : 'in service' }),
        node('div', { className: 'hint', textContent: `${v.id} · ${depotName.get(v.depotId) ?? v.depotId} · ${v.fractions.join(', ')} · ${v.capacityL} L body × ${v.compactionFactor ?? 'default'} / ${v.capacityKg} kg` }),
        node('div', { className: 'hint', textContent: `shift ${shiftText(v)}${v.breakMin !== null ? `, break ${v.breakMin} min` : ''}${v.active ? '' : ' · retired'}` }),
      );
      if (canSetStatus) {
        item.append(node('button', { type: 'button', textContent: broken ? 'Back in service' : 'Broken down', onclick: () => this.setStatus(v, broken ? 'in_service' : 'out_of_service') }));
      }
      if (canEdit) item.append(node('button', { type: 'button', textContent: 'Edit', onclick: () => item.append(this.editForm(v)) }));
      trucks.append(item);
    }
    const places = (list, describe) => node('ul', { className: 'edits' }, ...list.map((p) => node('li', { textContent: `${p.name} (${p.id}) ${describe(p)}` })));
    this.root.replaceChildren(
      node('h3', { textContent: `Trucks (${vehicles.length})` }),
      trucks,
      node('h3', { textContent: 'Depots' }),
      places(depots, (d) => `${d.lat.toFixed(4)}, ${d.lng.toFixed(4)}`),
      node('h3', { textContent: 'Disposal sites' }),
      places(sites, (s) => `· ${s.fractions.join(', ')} · open ${hhmm(s.openFromMin)}–${hhmm(s.openToMin)} · unloading ${Math.round(s.serviceTimeS / 60)} min`),
      node('p', { className: 'result', id: 'fleet-result' }),
    );
  }

  async setStatus(v, status) {
    const reason = status === 'out_of_service' ? window.prompt(`Why is ${v.name} out of service?`, 'broken down') : null;
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
      field('Body, litres', 'capacityL', v.capacityL, { type: 'number', min: 1 }),
      field('Payload, kg', 'capacityKg', v.capacityKg, { type: 'number', min: 1 }),
      field('Compaction (empty = default)', 'compactionFactor', v.compactionFactor, { type: 'number', min: 1, step: 0.1 }),
      field('Shift start, minutes after midnight', 'shiftStartMin', v.shiftStartMin, { type: 'number', min: 0 }),
      field('Shift end, minutes after midnight', 'shiftEndMin', v.shiftEndMin, { type: 'number', min: 0 }),
      field('Break, minutes (empty = the district\'s)', 'breakMin', v.breakMin, { type: 'number', min: 0 }),
      node('button', { type: 'submit', textContent: 'Save truck' }),
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
        result.textContent = 'Saved.';
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
