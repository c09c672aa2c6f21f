import type { Queryable } from '@vulgraad/database';

/** How a network server delivers uplinks over HTTP. */
export type HttpIntegrationKind = 'tts' | 'chirpstack' | 'kpn';
export const HTTP_INTEGRATION_KINDS: readonly HttpIntegrationKind[] = ['tts', 'chirpstack', 'kpn'];

/** One network server's HTTP integration, as the ingest checks it. */
export interface HttpIntegration {
  name: string;
  kind: HttpIntegrationKind;
  secretHash: string;
  /** KPN only: the shared secret its Things-Message-Token is computed with. */
  kpnSharedSecret: string | null;
  /** Application ids it may deliver for; null = any. */
  applications: string[] | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = 'name, kind, secret_hash, kpn_shared_secret, applications, active, created_at, updated_at';
/** -- Params: $1 name. Active or not: the caller decides what an inactive one means. */
const FIND = `SELECT ${COLUMNS} FROM http_integrations WHERE name = $1`;
/** -- Params: none. */
const LIST = `SELECT ${COLUMNS} FROM http_integrations ORDER BY name`;
/** -- Params: $1 name, $2 kind, $3 secret_hash, $4 kpn_shared_secret, $5 applications text[]. A new secret reactivates. */
const UPSERT = `
  INSERT INTO http_integrations (name, kind, secret_hash, kpn_shared_secret, applications) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, secret_hash = EXCLUDED.secret_hash, kpn_shared_secret = EXCLUDED.kpn_shared_secret,
    applications = EXCLUDED.applications, active = true, updated_at = now()
  RETURNING ${COLUMNS}, (xmax = 0) AS created`;
/** -- Params: $1 name. */
const DEACTIVATE = `UPDATE http_integrations SET active = false, updated_at = now() WHERE name = $1 AND active RETURNING name`;

interface Row {
  name: string;
  kind: HttpIntegrationKind;
  secret_hash: string;
  kpn_shared_secret: string | null;
  applications: string[] | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

const toIntegration = (r: Row): HttpIntegration => ({
  name: r.name,
  kind: r.kind,
  secretHash: r.secret_hash,
  kpnSharedSecret: r.kpn_shared_secret,
  applications: r.applications,
  active: r.active,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** The network servers' HTTP integrations: who may post uplinks, for which applications, with which secret. */
export class HttpIntegrationsRepository {
  constructor(private readonly db: Queryable) {}

  async find(name: string): Promise<HttpIntegration | null> {
    const { rows } = await this.db.query<Row>(FIND, [name]);
    return rows[0] ? toIntegration(rows[0]) : null;
  }

  async list(): Promise<HttpIntegration[]> {
    return (await this.db.query<Row>(LIST)).rows.map(toIntegration);
  }

  async upsert(integration: { name: string; kind: HttpIntegrationKind; secretHash: string; kpnSharedSecret: string | null; applications: string[] | null }): Promise<{ integration: HttpIntegration; created: boolean }> {
    const { rows } = await this.db.query<Row & { created: boolean }>(UPSERT, [
      integration.name, integration.kind, integration.secretHash, integration.kpnSharedSecret, integration.applications,
    ]);
    const row = rows[0] as Row & { created: boolean };
    return { integration: toIntegration(row), created: row.created };
  }

  /** Ends an integration: its requests are refused from the next cache refresh on. True when one was active. */
  async deactivate(name: string): Promise<boolean> {
    return (await this.db.query(DEACTIVATE, [name])).rows.length > 0;
  }
}
