import { DomainError } from '@vulgraad/contracts';
import type { Queryable } from '../database';
import { chunksFor, toDate, toDateOrNull, valuesList } from './sql-helpers';

/** A sensor as registered. */
export interface DeviceRecord {
  id: string;
  externalRef: string;
  devEui: string | null;
  model: string | null;
  lorawanApplicationId: string | null;
  /** The application's default decoder, used when the device names none. */
  applicationModel: string | null;
  reportingIntervalS: number;
  createdAt: Date;
}

export interface DeviceInput {
  id?: string;
  externalRef: string;
  devEui?: string | null;
  model?: string | null;
  lorawanApplicationId?: string | null;
  reportingIntervalS?: number;
  secretHash?: string | null;
}

/** Which device measured which container from validFrom until validTo (null = still). */
export interface DeviceBinding {
  id: number;
  deviceId: string;
  containerId: string;
  validFrom: Date;
  validTo: Date | null;
}

export interface LorawanApplication {
  applicationId: string;
  name?: string | null;
  defaultModel: string | null;
}

interface DeviceRow {
  id: string;
  external_ref: string;
  dev_eui: string | null;
  model: string | null;
  lorawan_application_id: string | null;
  application_model: string | null;
  reporting_interval_s: number;
  created_at: Date;
}

interface BindingRow {
  id: number;
  device_id: string;
  container_id: string;
  valid_from: Date;
  valid_to: Date | null;
}

const DEVICE_COLUMNS = `d.id, d.external_ref, d.dev_eui, d.model, d.lorawan_application_id, a.default_model AS application_model,
  d.reporting_interval_s, d.created_at`;

const UPSERT_WIDTH = 7;
const UPSERT_CASTS = ['text', 'text', 'text', 'text', 'text', 'int4', 'text'];
/*
 * Params per row: id (null = generate), external_ref, dev_eui, model, lorawan_application_id,
 * reporting_interval_s, secret_hash. The external reference is the natural key.
 */
const upsertSql = (rows: number): string => `
  WITH v (id, external_ref, dev_eui, model, lorawan_application_id, reporting_interval_s, secret_hash) AS (
    VALUES ${valuesList(rows, UPSERT_WIDTH, UPSERT_CASTS)}
  ), d AS (
    INSERT INTO devices (id, external_ref, dev_eui, model, lorawan_application_id, reporting_interval_s, secret_hash)
    SELECT coalesce(v.id, gen_random_uuid()::text), v.external_ref, v.dev_eui, v.model, v.lorawan_application_id,
           coalesce(v.reporting_interval_s, 3600), v.secret_hash
    FROM v
    ON CONFLICT (external_ref) DO UPDATE SET
      dev_eui = EXCLUDED.dev_eui, model = EXCLUDED.model, lorawan_application_id = EXCLUDED.lorawan_application_id,
      reporting_interval_s = EXCLUDED.reporting_interval_s,
      secret_hash = coalesce(EXCLUDED.secret_hash, devices.secret_hash), updated_at = now()
    RETURNING *
  )
  SELECT ${DEVICE_COLUMNS} FROM d LEFT JOIN lorawan_applications a ON a.application_id = d.lorawan_application_id`;

/** -- Params: $1 references text[]: external refs or DevEUIs (lower-case hex) */
const SELECT_BY_REFS = `
  SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN lorawan_applications a ON a.application_id = d.lorawan_application_id
  WHERE d.external_ref = ANY($1::text[]) OR d.dev_eui = ANY($1::text[])`;
/** -- Params: $1 ids text[] */
const SELECT_BY_IDS = `
  SELECT ${DEVICE_COLUMNS} FROM devices d LEFT JOIN lorawan_applications a ON a.application_id = d.lorawan_application_id
  WHERE d.id = ANY($1::text[])`;
/** -- Params: $1 device ids text[] */
const SELECT_BINDINGS = `
  SELECT id, device_id, container_id, valid_from, valid_to FROM device_bindings
  WHERE device_id = ANY($1::text[]) ORDER BY device_id, valid_from`;
/** -- Params: $1 container id */
const SELECT_CONTAINER_BINDINGS = `
  SELECT id, device_id, container_id, valid_from, valid_to FROM device_bindings
  WHERE container_id = $1 ORDER BY valid_from`;
/** -- Params: $1 device id, $2 container id: the open bindings of either, locked */
const SELECT_OPEN_FOR_UPDATE = `
  SELECT id, device_id, container_id, valid_from, valid_to FROM device_bindings
  WHERE valid_to IS NULL AND (device_id = $1 OR container_id = $2) FOR UPDATE`;
/** -- Params: $1 binding ids bigint[], $2 valid_to */
const CLOSE_BINDINGS = `UPDATE device_bindings SET valid_to = $2 WHERE id = ANY($1::bigint[])`;
/** -- Params: $1 device id, $2 container id, $3 valid_from */
const INSERT_BINDING = `
  INSERT INTO device_bindings (device_id, container_id, valid_from) VALUES ($1, $2, $3)
  RETURNING id, device_id, container_id, valid_from, valid_to`;
/** -- Params: $1 device id, $2 at */
const CLOSE_DEVICE_BINDING = `
  UPDATE device_bindings SET valid_to = $2 WHERE device_id = $1 AND valid_to IS NULL AND valid_from < $2`;
/**
 * -- Params: $1 device ids text[], $2 container ids text[], $3 valid_from timestamptz[] (same length).
 * Closes the open bindings of those devices and containers that started earlier, then opens the new
 * ones; pairs already bound together are left as they are.
 */
const BIND_MANY = `
  WITH wanted AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS w (device_id, container_id, valid_from)
  ), fresh AS (
    SELECT w.* FROM wanted w
    WHERE NOT EXISTS (SELECT 1 FROM device_bindings b WHERE b.valid_to IS NULL AND b.device_id = w.device_id AND b.container_id = w.container_id)
  ), closed AS (
    UPDATE device_bindings b SET valid_to = f.valid_from
    FROM fresh f
    WHERE b.valid_to IS NULL AND (b.device_id = f.device_id OR b.container_id = f.container_id) AND b.valid_from < f.valid_from
    RETURNING b.id
  )
  SELECT device_id, container_id, valid_from, (SELECT count(*) FROM closed)::int AS closed FROM fresh`;
/** -- Params: $1 device ids text[], $2 container ids text[], $3 valid_from timestamptz[] */
const INSERT_BINDINGS = `
  INSERT INTO device_bindings (device_id, container_id, valid_from)
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])`;

/** -- Params: $1 application id, $2 name, $3 default model */
const UPSERT_APPLICATION = `
  INSERT INTO lorawan_applications (application_id, name, default_model) VALUES ($1, $2, $3)
  ON CONFLICT (application_id) DO UPDATE SET name = coalesce(EXCLUDED.name, lorawan_applications.name),
    default_model = EXCLUDED.default_model`;

const toDevice = (row: DeviceRow): DeviceRecord => ({
  id: row.id,
  externalRef: row.external_ref,
  devEui: row.dev_eui,
  model: row.model,
  lorawanApplicationId: row.lorawan_application_id,
  applicationModel: row.application_model,
  reportingIntervalS: row.reporting_interval_s,
  createdAt: toDate(row.created_at),
});

const toBinding = (row: BindingRow): DeviceBinding => ({
  id: Number(row.id),
  deviceId: row.device_id,
  containerId: row.container_id,
  validFrom: toDate(row.valid_from),
  validTo: toDateOrNull(row.valid_to),
});

/** Devices, their bindings to containers over time, and LoRaWAN applications. */
export class DevicesRepository {
  constructor(private readonly db: Queryable) {}

  async upsert(inputs: readonly DeviceInput[]): Promise<DeviceRecord[]> {
    const unique = [...new Map(inputs.map((d) => [d.externalRef, d])).values()];
    const out: DeviceRecord[] = [];
    for (const chunk of chunksFor(unique, UPSERT_WIDTH)) {
      const params = chunk.flatMap((d) => [
        d.id ?? null,
        d.externalRef,
        d.devEui ? d.devEui.toLowerCase() : null,
        d.model ?? null,
        d.lorawanApplicationId ?? null,
        d.reportingIntervalS ?? null,
        d.secretHash ?? null,
      ]);
      out.push(...(await this.db.query<DeviceRow>(upsertSql(chunk.length), params)).rows.map(toDevice));
    }
    return out;
  }

  /** Devices whose external reference or DevEUI is one of refs. */
  async findByRefs(refs: readonly string[]): Promise<DeviceRecord[]> {
    if (refs.length === 0) return [];
    return (await this.db.query<DeviceRow>(SELECT_BY_REFS, [refs])).rows.map(toDevice);
  }

  async findByIds(ids: readonly string[]): Promise<DeviceRecord[]> {
    if (ids.length === 0) return [];
    return (await this.db.query<DeviceRow>(SELECT_BY_IDS, [ids])).rows.map(toDevice);
  }

  /** Every binding (history included) of the devices, oldest first. */
  async bindingsOf(deviceIds: readonly string[]): Promise<DeviceBinding[]> {
    if (deviceIds.length === 0) return [];
    return (await this.db.query<BindingRow>(SELECT_BINDINGS, [deviceIds])).rows.map(toBinding);
  }

  async bindingsOfContainer(containerId: string): Promise<DeviceBinding[]> {
    return (await this.db.query<BindingRow>(SELECT_CONTAINER_BINDINGS, [containerId])).rows.map(toBinding);
  }

  /**
   * Binds a device to a container from validFrom on. The device's open
   * binding elsewhere and the container's open binding to another device
   * (a sensor swap) are closed at validFrom, so history stays. Run it inside
   * a transaction (the caller's Queryable) to make the swap atomic.
   */
  async bind(deviceId: string, containerId: string, validFrom: Date): Promise<DeviceBinding> {
    const open = (await this.db.query<BindingRow>(SELECT_OPEN_FOR_UPDATE, [deviceId, containerId])).rows.map(toBinding);
    const same = open.find((b) => b.deviceId === deviceId && b.containerId === containerId);
    if (same) return same;
    const toClose = open.filter((b) => b.validFrom < validFrom);
    const blocking = open.filter((b) => b.validFrom >= validFrom);
    if (blocking.length > 0) {
      throw new DomainError('conflict', `device ${deviceId} or container ${containerId} has a binding that starts at or after ${validFrom.toISOString()}`);
    }
    if (toClose.length > 0) await this.db.query(CLOSE_BINDINGS, [toClose.map((b) => b.id), validFrom]);
    return toBinding((await this.db.query<BindingRow>(INSERT_BINDING, [deviceId, containerId, validFrom])).rows[0] as BindingRow);
  }

  /**
   * Binds many devices at once (registration, imports): the same rules as
   * bind(), in two statements. Run it inside a transaction. Returns how many
   * new bindings were opened.
   */
  async bindMany(bindings: ReadonlyArray<{ deviceId: string; containerId: string; validFrom: Date }>): Promise<number> {
    if (bindings.length === 0) return 0;
    const columns = [bindings.map((b) => b.deviceId), bindings.map((b) => b.containerId), bindings.map((b) => b.validFrom)];
    const fresh = await this.db.query<{ device_id: string; container_id: string; valid_from: Date }>(BIND_MANY, columns);
    if (fresh.rows.length === 0) return 0;
    await this.db.query(INSERT_BINDINGS, [fresh.rows.map((r) => r.device_id), fresh.rows.map((r) => r.container_id), fresh.rows.map((r) => r.valid_from)]);
    return fresh.rows.length;
  }

  /** Ends the device's open binding at `at` (the sensor was removed). */
  async unbind(deviceId: string, at: Date): Promise<boolean> {
    return (await this.db.query(CLOSE_DEVICE_BINDING, [deviceId, at])).rowCount > 0;
  }

  async upsertApplication(app: LorawanApplication): Promise<void> {
    await this.db.query(UPSERT_APPLICATION, [app.applicationId, app.name ?? null, app.defaultModel]);
  }
}

/** The binding valid at `at` among one device's bindings, if any. */
export function bindingAt(bindings: readonly DeviceBinding[], at: Date): DeviceBinding | null {
  const t = at.getTime();
  for (let i = bindings.length - 1; i >= 0; i--) {
    const b = bindings[i] as DeviceBinding;
    if (b.validFrom.getTime() <= t && (b.validTo === null || t < b.validTo.getTime())) return b;
  }
  return null;
}
