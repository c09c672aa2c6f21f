import { ContainersRepository, DevicesRepository, type ScratchDatabase } from '@vulgraad/database';
import { sampleCpu } from './proc-stat';

/**
 * `count` residual containers on a grid in 12 districts, each with one native
 * sensor bound to it (the bindings in one statement); returns the sensors'
 * references, which are what their readings name.
 */
export async function seedSensorGrid(scratch: ScratchDatabase, count: number, idPrefix: string): Promise<string[]> {
  const containers = await new ContainersRepository(scratch.db).upsert(
    Array.from({ length: count }, (_, i) => ({
      id: `${idPrefix}-${i}`, externalRef: `${idPrefix}-${i}`, lng: 4.9 + (i % 100) / 1000, lat: 52.3 + Math.floor(i / 100) / 1000,
      district: `d${i % 12}`, wasteType: 'residual', volumeL: 1100, depthMm: 1500,
    })),
  );
  const devices = await new DevicesRepository(scratch.db).upsert(containers.map((c) => ({ externalRef: `${c.id}-s`, reportingIntervalS: 600 })));
  await scratch.db.query(
    `INSERT INTO device_bindings (device_id, container_id, valid_from) SELECT d, c, now() - interval '30 days' FROM unnest($1::text[], $2::text[]) AS u (d, c)`,
    [devices.map((d) => d.id), containers.map((c) => c.id)],
  );
  return devices.map((d) => d.externalRef);
}

/**
 * CPU seconds of the PostgreSQL backends serving the scratch database (the
 * ingest's connections), by pid: the database's share of a reading runs on the
 * same cores. A backend that starts later counts from zero. The backend that
 * answers is left out unless `withAsker` (when the pipeline measured runs in
 * this process, on the same pool, it may be one of the pipeline's own).
 */
export async function backendCpu(scratch: ScratchDatabase, withAsker = false): Promise<Map<number, number>> {
  const { rows } = await scratch.db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()${withAsker ? '' : ' AND pid <> pg_backend_pid()'}`);
  return new Map(rows.map((r) => [r.pid, sampleCpu(r.pid).cpuSeconds] as [number, number]).filter(([, cpu]) => Number.isFinite(cpu)));
}
