import { Inject, Injectable } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, DATABASE, DomainError } from '@vulgraad/contracts';
import { type Database, DevicesRepository } from '@vulgraad/database';
import { listCodecModels, listDecoders } from '@vulgraad/payloads';
import {
  generateSecret, hashSecret, type HttpIntegration, HttpIntegrationsRepository, MqttAccountsRepository, SAFE_USERNAME,
} from '@vulgraad/security';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/roles';
import type { HttpIntegrationDto, LorawanApplicationDto, MqttAccountDto } from './onboarding.dto';
import { type BrokerSync, MosquittoSync } from './mosquitto-sync';

/** -- Params: none. LoRaWAN applications with how many devices each has. */
const LIST_APPLICATIONS = `
  SELECT a.application_id, a.name, a.default_model, a.created_at, count(d.id)::int AS devices
  FROM lorawan_applications a LEFT JOIN devices d ON d.lorawan_application_id = a.application_id
  GROUP BY a.application_id ORDER BY a.application_id`;
/** -- Params: none. MQTT accounts without their hashes. */
const LIST_ACCOUNTS = `SELECT username, kind, applications, active, created_at, updated_at FROM mqtt_accounts ORDER BY username`;
/** -- Params: $1 username. */
const DEACTIVATE_ACCOUNT = `UPDATE mqtt_accounts SET active = false, updated_at = now() WHERE username = $1 AND active RETURNING username`;

/** A secret in an answer: shown this once, never stored or logged in the clear. */
export interface SecretShownOnce {
  secret: string;
  note: string;
}

/** What a page needs to say what the broker did in its own language (BrokerSync without the English note). */
const brokerState = ({ state, folder, pid, error }: BrokerSync) => ({ state, folder, pid, error });

/**
 * Onboarding without stopping anything: device secrets, LoRaWAN applications
 * and their default decoder, MQTT accounts (network servers, services) and
 * HTTP integrations of network servers. Each change is audited (without the
 * secret). The embedded broker reads logins from the registry as they come,
 * so a new one works at once; for Mosquitto the files are written again and
 * Mosquitto is signalled (MosquittoSync).
 */
@Injectable()
export class OnboardingService {
  private readonly mosquitto: MosquittoSync;
  private readonly codecsDir: string;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CONFIG) config: Config,
    private readonly audit: AuditService,
  ) {
    this.codecsDir = config.ingest.codecsDir;
    this.mosquitto = new MosquittoSync(db, { folder: config.security.mosquittoAuthDir, pidFile: config.security.mosquittoPidFile, topicPrefix: config.ingest.topicPrefix });
  }

  /** The built-in decoders and the vendor codecs of INGEST_CODECS_DIR. */
  decoders() {
    return [...listDecoders(), ...listCodecModels(this.codecsDir).map((model) => ({ model, vendor: 'vendor codec', name: model, aliases: [] as string[] }))];
  }

  /** A new secret for a device: the old one stops working; the new one is returned once. */
  async deviceSecret(user: AuthUser, deviceId: string): Promise<SecretShownOnce & { deviceId: string; username: string; broker: string; brokerState: ReturnType<typeof brokerState>; mosquittoCanHold: boolean; http: string; httpPath: string }> {
    const [device] = await new DevicesRepository(this.db).findByIds([deviceId]);
    if (!device) throw new DomainError('not_found', `device ${deviceId} does not exist`, 'id');
    const secret = generateSecret();
    await new MqttAccountsRepository(this.db).setDeviceSecret(device.externalRef, hashSecret(secret));
    await this.audit.record(user, 'device.secret', { type: 'device', id: device.id }, { externalRef: device.externalRef });
    const broker = await this.mosquitto.sync();
    const mosquittoCanHold = SAFE_USERNAME.test(device.externalRef);
    return {
      deviceId: device.id,
      username: device.externalRef,
      secret,
      note: `shown once, stored hashed: put it in the device's configuration now${mosquittoCanHold ? '' : `; "${device.externalRef}" has characters Mosquitto's files cannot hold, only the embedded broker accepts it`}`,
      mosquittoCanHold,
      broker: broker.note,
      brokerState: brokerState(broker),
      http: `POST /uplinks/devices/${encodeURIComponent(device.externalRef)} with header X-Vulgraad-Secret`,
      httpPath: `/uplinks/devices/${encodeURIComponent(device.externalRef)}`,
    };
  }

  async applications() {
    const { rows } = await this.db.query<{ application_id: string; name: string | null; default_model: string | null; created_at: Date; devices: number }>(LIST_APPLICATIONS);
    return rows.map((r) => ({ applicationId: r.application_id, name: r.name, defaultModel: r.default_model, devices: r.devices, createdAt: new Date(r.created_at).toISOString() }));
  }

  async upsertApplication(user: AuthUser, applicationId: string, dto: LorawanApplicationDto) {
    if (!/^[^/+#@\s]{1,128}$/.test(applicationId)) throw new DomainError('validation', 'applicationId must be an application id (no / + # @ or spaces, at most 128 characters)', 'applicationId');
    if (dto.defaultModel !== undefined && !this.knownModel(dto.defaultModel)) {
      throw new DomainError('validation', `no decoder is named "${dto.defaultModel}"; GET /api/onboarding/decoders lists them`, 'defaultModel');
    }
    await new DevicesRepository(this.db).upsertApplication({ applicationId, name: dto.name ?? null, defaultModel: dto.defaultModel ?? null });
    await this.audit.record(user, 'application.upsert', { type: 'lorawan_application', id: applicationId }, { name: dto.name ?? null, defaultModel: dto.defaultModel ?? null });
    return (await this.applications()).find((a) => a.applicationId === applicationId);
  }

  async mqttAccounts() {
    const { rows } = await this.db.query<{ username: string; kind: string; applications: string[] | null; active: boolean; created_at: Date; updated_at: Date }>(LIST_ACCOUNTS);
    return rows.map((r) => ({ username: r.username, kind: r.kind, applications: r.applications, active: r.active, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() }));
  }

  /** Creates an MQTT account, or gives an existing one a new password (and kind, applications); the password is returned once. */
  async setMqttAccount(user: AuthUser, dto: MqttAccountDto): Promise<SecretShownOnce & { username: string; kind: string; applications: string[] | null; broker: string; brokerState: ReturnType<typeof brokerState> }> {
    const accounts = new MqttAccountsRepository(this.db);
    if (await accounts.isDeviceName(dto.username)) throw new DomainError('conflict', `${dto.username} is a device's reference; pick another user name`, 'username');
    const applications = dto.kind === 'service' ? null : (dto.applications ?? null);
    const secret = generateSecret();
    await accounts.upsertAccount({ username: dto.username, passwordHash: hashSecret(secret), kind: dto.kind, applications });
    await this.audit.record(user, 'mqtt_account.set', { type: 'mqtt_account', id: dto.username }, { kind: dto.kind, applications });
    const broker = await this.mosquitto.sync();
    return { username: dto.username, kind: dto.kind, applications, secret, note: 'the password: shown once, stored hashed', broker: broker.note, brokerState: brokerState(broker) };
  }

  async deactivateMqttAccount(user: AuthUser, username: string) {
    const { rows } = await this.db.query(DEACTIVATE_ACCOUNT, [username]);
    if (rows.length === 0) throw new DomainError('not_found', `no active MQTT account ${username}`, 'username');
    await this.audit.record(user, 'mqtt_account.deactivate', { type: 'mqtt_account', id: username });
    const broker = await this.mosquitto.sync();
    return { username, active: false, broker: broker.note, brokerState: brokerState(broker) };
  }

  async httpIntegrations() {
    return (await new HttpIntegrationsRepository(this.db).list()).map(integrationView);
  }

  /** Creates an HTTP integration, or gives an existing one a new secret; the secret is returned once with what to configure. */
  async setHttpIntegration(user: AuthUser, dto: HttpIntegrationDto) {
    const secret = generateSecret();
    const applications = dto.applications ?? null;
    const result = await new HttpIntegrationsRepository(this.db).upsert({ name: dto.name, kind: dto.kind, secretHash: hashSecret(secret), kpnSharedSecret: dto.kind === 'kpn' ? secret : null, applications });
    await this.audit.record(user, 'http_integration.set', { type: 'http_integration', id: dto.name }, { kind: dto.kind, applications, created: result.created });
    const path = `/uplinks/${dto.kind}/${dto.name}`;
    return {
      ...integrationView(result.integration),
      secret,
      note: 'shown once: the secret goes into the network server\'s configuration now',
      configure: {
        tts: { webhookBaseUrl: `<this server>${path}`, uplinkMessagePath: '(empty)', header: { 'X-Vulgraad-Secret': '<the secret>' } },
        chirpstack: { eventEndpointUrl: `<this server>${path}`, encoding: 'JSON', header: { 'X-Vulgraad-Secret': '<the secret>' } },
        kpn: { destinationUrl: `<this server>${path}`, sharedSecret: '<the secret>' },
      }[dto.kind],
    };
  }

  async deactivateHttpIntegration(user: AuthUser, name: string) {
    if (!(await new HttpIntegrationsRepository(this.db).deactivate(name))) throw new DomainError('not_found', `no active HTTP integration ${name}`, 'name');
    await this.audit.record(user, 'http_integration.deactivate', { type: 'http_integration', id: name });
    return { name, active: false };
  }

  private knownModel(model: string): boolean {
    const key = model.toLowerCase();
    return this.decoders().some((d) => d.model === key || d.aliases.map((a) => a.toLowerCase()).includes(key));
  }
}

const integrationView = (i: HttpIntegration) => ({
  name: i.name,
  kind: i.kind,
  applications: i.applications,
  active: i.active,
  path: `/uplinks/${i.kind}/${i.name}`,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
