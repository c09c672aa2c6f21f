import type { Queryable } from '@vulgraad/database';
import type { MqttAccount } from './mosquitto-files';
import type { MqttIdentity } from './topic-rules';

/** -- Params: $1 username. An active account first, else a device with a secret of that external reference, else a truck with a secret of that id. */
const FIND = `
  SELECT * FROM (
    SELECT username, password_hash, kind, applications, 0 AS rank FROM mqtt_accounts WHERE username = $1 AND active
    UNION ALL
    SELECT external_ref, secret_hash, 'device', NULL, 1 FROM devices WHERE external_ref = $1 AND secret_hash IS NOT NULL
    UNION ALL
    SELECT id, secret_hash, 'vehicle', NULL, 2 FROM vehicles WHERE id = $1 AND secret_hash IS NOT NULL AND active
  ) found ORDER BY rank LIMIT 1`;
/** -- Params: none. Every active account, every device and every active truck with a secret. */
const LIST = `
  SELECT username, password_hash, kind, applications FROM mqtt_accounts WHERE active
  UNION ALL
  SELECT external_ref, secret_hash, 'device', NULL FROM devices WHERE secret_hash IS NOT NULL
  UNION ALL
  SELECT id, secret_hash, 'vehicle', NULL FROM vehicles WHERE secret_hash IS NOT NULL AND active`;
/** -- Params: $1 vehicle id, $2 secret_hash. Returns the id, none when no such truck. */
const SET_VEHICLE_SECRET = `UPDATE vehicles SET secret_hash = $2, secret_set_at = now(), updated_at = now() WHERE id = $1 RETURNING id`;
/** -- Params: $1 external_ref, $2 secret_hash. Returns the device id, none when no such device. */
const SET_DEVICE_SECRET = `UPDATE devices SET secret_hash = $2, secret_set_at = now(), updated_at = now() WHERE external_ref = $1 RETURNING id`;
/** -- Params: $1 username, $2 password_hash, $3 kind, $4 applications text[] */
const UPSERT_ACCOUNT = `
  INSERT INTO mqtt_accounts (username, password_hash, kind, applications) VALUES ($1, $2, $3, $4)
  ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, kind = EXCLUDED.kind,
    applications = EXCLUDED.applications, active = true, updated_at = now()
  RETURNING (xmax = 0) AS created`;
/** -- Params: $1 username */
const DEVICE_EXISTS = `SELECT 1 FROM devices WHERE external_ref = $1`;

interface Row {
  username: string;
  password_hash: string;
  kind: 'device' | 'service' | 'network_server' | 'vehicle';
  applications: string[] | null;
}

const toAccount = (r: Row): MqttAccount => {
  const identity: MqttIdentity =
    r.kind === 'network_server' ? { kind: 'network_server', username: r.username, applications: r.applications } : { kind: r.kind, username: r.username };
  return { identity, passwordHash: r.password_hash };
};

/** The broker's user list in the registry: devices with secrets, and MQTT accounts. */
export class MqttAccountsRepository {
  constructor(private readonly db: Queryable) {}

  async find(username: string): Promise<MqttAccount | null> {
    const { rows } = await this.db.query<Row>(FIND, [username]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async list(): Promise<MqttAccount[]> {
    return (await this.db.query<Row>(LIST)).rows.map(toAccount);
  }

  /** Stores a device's secret hash; returns the device id, or null when no device has that reference. */
  async setDeviceSecret(externalRef: string, secretHash: string): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>(SET_DEVICE_SECRET, [externalRef, secretHash]);
    return rows[0]?.id ?? null;
  }

  /** Stores a truck's secret hash; returns its id, or null when no truck has that id. */
  async setVehicleSecret(vehicleId: string, secretHash: string): Promise<string | null> {
    const { rows } = await this.db.query<{ id: string }>(SET_VEHICLE_SECRET, [vehicleId, secretHash]);
    return rows[0]?.id ?? null;
  }

  async upsertAccount(account: { username: string; passwordHash: string; kind: 'service' | 'network_server'; applications: string[] | null }): Promise<{ created: boolean }> {
    const { rows } = await this.db.query<{ created: boolean }>(UPSERT_ACCOUNT, [account.username, account.passwordHash, account.kind, account.applications]);
    return { created: rows[0]?.created === true };
  }

  async isDeviceName(username: string): Promise<boolean> {
    return (await this.db.query(DEVICE_EXISTS, [username])).rows.length > 0;
  }
}
