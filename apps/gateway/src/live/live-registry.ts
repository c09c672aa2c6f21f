import type { Container, ContainerStateChanged, LiveContainer, LiveState } from '@vulgraad/contracts';

/** What the live registry keeps of a container (the fields of the contracts' Container that the map draws). */
export type RegistryContainer = Pick<Container, 'id' | 'district' | 'wasteType' | 'lng' | 'lat' | 'volumeL'>;

export type { LiveContainer, LiveState } from '@vulgraad/contracts';

/**
 * Every active container and its latest state, in memory, so a browser that
 * joins a district gets its snapshot without a query and in the same tick
 * as it joins the room: nothing falls between snapshot and changes.
 */
export class LiveRegistry {
  private readonly containers = new Map<string, LiveContainer>();
  private readonly byDistrict = new Map<string, Set<string>>();
  private readonly measuredMs = new Map<string, number>();

  get size(): number {
    return this.containers.size;
  }

  has(id: string): boolean {
    return this.containers.has(id);
  }

  get(id: string): LiveContainer | undefined {
    return this.containers.get(id);
  }

  districts(): string[] {
    return [...this.byDistrict.keys()].sort();
  }

  /** Adds or moves a container; its known state stays. */
  upsert(container: RegistryContainer): void {
    const existing = this.containers.get(container.id);
    if (existing && existing.district !== container.district) this.byDistrict.get(existing.district)?.delete(container.id);
    const merged: LiveContainer = existing
      ? { ...existing, ...container }
      : { ...container, fillPct: null, temperatureC: null, batteryPct: null, flags: [], measuredAt: null };
    this.containers.set(container.id, merged);
    let set = this.byDistrict.get(container.district);
    if (!set) this.byDistrict.set(container.district, (set = new Set()));
    set.add(container.id);
  }

  remove(id: string): void {
    const existing = this.containers.get(id);
    if (!existing) return;
    this.containers.delete(id);
    this.measuredMs.delete(id);
    const set = this.byDistrict.get(existing.district);
    set?.delete(id);
    if (set?.size === 0) this.byDistrict.delete(existing.district);
  }

  /**
   * Takes a new state; returns what to send, or null when the container is
   * unknown or the state is older than the one held (events can overtake each other).
   */
  apply(state: Pick<ContainerStateChanged, 'containerId' | 'fillPct' | 'temperatureC' | 'batteryPct' | 'flags' | 'measuredAt' | 'correlationId'>): LiveState | null {
    const container = this.containers.get(state.containerId);
    if (!container) return null;
    const atMs = Date.parse(state.measuredAt);
    if (!Number.isFinite(atMs) || atMs < (this.measuredMs.get(state.containerId) ?? -Infinity)) return null;
    this.measuredMs.set(state.containerId, atMs);
    container.fillPct = state.fillPct;
    container.temperatureC = state.temperatureC;
    container.batteryPct = state.batteryPct;
    container.flags = [...state.flags];
    container.measuredAt = state.measuredAt;
    const live: LiveState = { id: container.id, fillPct: state.fillPct, temperatureC: state.temperatureC, batteryPct: state.batteryPct, flags: container.flags, measuredAt: state.measuredAt };
    if (state.correlationId !== undefined) live.correlationId = state.correlationId;
    return live;
  }

  /** Every container of a district, as the snapshot sends them. */
  inDistrict(district: string): LiveContainer[] {
    const ids = this.byDistrict.get(district);
    if (!ids) return [];
    const out: LiveContainer[] = [];
    for (const id of ids) out.push(this.containers.get(id) as LiveContainer);
    return out;
  }

  /** Keeps exactly these containers (a full reload), preserving known states. */
  replaceAll(containers: readonly RegistryContainer[]): void {
    const keep = new Set(containers.map((c) => c.id));
    for (const id of [...this.containers.keys()]) if (!keep.has(id)) this.remove(id);
    for (const c of containers) this.upsert(c);
  }
}
