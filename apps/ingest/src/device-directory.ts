import {
  bindingAt, ContainersRepository, type ContainerRecord, type Database, type DeviceBinding, type DeviceRecord,
  DevicesRepository, ReadingsRepository,
} from '@vulgraad/database';
import type { LoadableRegistry } from '@vulgraad/ingest-core';
import { EMPTY_QUALITY_MEMORY, type QualityMemory } from '@vulgraad/payloads';

interface Cached<T> {
  value: T;
  fetchedAt: number;
}

/** A device with its binding history. */
export interface DirectoryDevice {
  device: DeviceRecord;
  bindings: DeviceBinding[];
}

/**
 * What the ingest needs to know per message, read from the database in one
 * query per kind per batch and cached for a while: device by reference
 * (external ref or DevEUI), its bindings, the bound containers, and each
 * container's quality-flag memory. Unknown references are cached too, so a
 * flood from an unregistered device costs one query per TTL, not per message.
 */
export class DeviceDirectory implements LoadableRegistry<DirectoryDevice> {
  private readonly byRef = new Map<string, Cached<DirectoryDevice | null>>();
  private readonly containers = new Map<string, Cached<ContainerRecord | null>>();
  private readonly memories = new Map<string, Cached<QualityMemory>>();

  constructor(
    private readonly db: Database,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private lastSweep = 0;

  /**
   * Forgets entries past their time to live, at most once per TTL: a flood of
   * messages from ever new unknown device ids must not grow the cache forever.
   */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < this.ttlMs) return;
    this.lastSweep = now;
    for (const cache of [this.byRef, this.containers, this.memories] as Array<Map<string, Cached<unknown>>>) {
      for (const [key, entry] of cache) if (now - entry.fetchedAt >= this.ttlMs) cache.delete(key);
    }
  }

  /** Loads every reference in refs that is missing or stale. */
  async prepareDevices(refs: Iterable<string>): Promise<void> {
    this.sweep();
    const stale = this.staleKeys(this.byRef, refs);
    if (stale.length === 0) return;
    const fetchedAt = this.now();
    const devices = await new DevicesRepository(this.db).findByRefs(stale);
    const bindings = await new DevicesRepository(this.db).bindingsOf(devices.map((d) => d.id));
    const byDevice = new Map<string, DeviceBinding[]>();
    for (const binding of bindings) {
      const list = byDevice.get(binding.deviceId) ?? [];
      list.push(binding);
      byDevice.set(binding.deviceId, list);
    }
    for (const ref of stale) this.byRef.set(ref, { value: null, fetchedAt });
    for (const device of devices) {
      const entry = { value: { device, bindings: byDevice.get(device.id) ?? [] }, fetchedAt };
      this.byRef.set(device.externalRef, entry);
      if (device.devEui) this.byRef.set(device.devEui, entry);
    }
  }

  /** Loads every container in ids that is missing or stale. */
  async prepareContainers(ids: Iterable<string>): Promise<void> {
    const stale = this.staleKeys(this.containers, ids);
    if (stale.length === 0) return;
    const fetchedAt = this.now();
    const found = await new ContainersRepository(this.db).findByIds(stale);
    for (const id of stale) this.containers.set(id, { value: null, fetchedAt });
    for (const container of found) this.containers.set(container.id, { value: container, fetchedAt });
  }

  /** Loads the quality memory of containers not seen recently from container_state. */
  async prepareMemories(containerIds: Iterable<string>): Promise<void> {
    const stale = this.staleKeys(this.memories, containerIds);
    if (stale.length === 0) return;
    const fetchedAt = this.now();
    const states = await new ReadingsRepository(this.db).statesOf(stale);
    for (const id of stale) this.memories.set(id, { value: EMPTY_QUALITY_MEMORY, fetchedAt });
    for (const s of states) {
      this.memories.set(s.containerId, {
        value: { lastFillPct: s.fillPct, lastMeasuredAt: s.measuredAt, unchangedSince: s.unchangedSince, unchangedCount: s.unchangedCount },
        fetchedAt,
      });
    }
  }

  loadDevices(refs: ReadonlySet<string>): Promise<void> {
    return this.prepareDevices(refs);
  }

  async loadContainers(ids: ReadonlySet<string>): Promise<void> {
    await this.prepareContainers(ids);
    await this.prepareMemories(ids);
  }

  containerAt(entry: DirectoryDevice, at: Date): string | null {
    return bindingAt(entry.bindings, at)?.containerId ?? null;
  }

  /** The device known under ref (external ref or DevEUI), if registered. */
  device(ref: string): DirectoryDevice | null {
    return this.byRef.get(ref)?.value ?? null;
  }

  binding(entry: DirectoryDevice, at: Date): DeviceBinding | null {
    return bindingAt(entry.bindings, at);
  }

  container(id: string): ContainerRecord | null {
    return this.containers.get(id)?.value ?? null;
  }

  memory(containerId: string): QualityMemory {
    return this.memories.get(containerId)?.value ?? EMPTY_QUALITY_MEMORY;
  }

  /** Keeps the memory a committed batch left behind. */
  remember(containerId: string, memory: QualityMemory): void {
    const cached = this.memories.get(containerId);
    if (cached) cached.value = memory;
    else this.memories.set(containerId, { value: memory, fetchedAt: this.now() });
  }

  /** Forgets everything: the next batch reads the registry again. */
  clear(): void {
    this.byRef.clear();
    this.containers.clear();
    this.memories.clear();
  }

  /** Keys missing from the cache or past their time to live (the clock read once); keys given as a Set are not copied. */
  private staleKeys(cache: Map<string, Cached<unknown>>, keys: Iterable<string>): string[] {
    const now = this.now();
    const stale: string[] = [];
    for (const key of keys instanceof Set ? (keys as Set<string>) : new Set(keys)) {
      const entry = cache.get(key);
      if (entry === undefined || now - entry.fetchedAt >= this.ttlMs) stale.push(key);
    }
    return stale;
  }
}
