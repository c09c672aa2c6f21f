import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Queryable } from '@vulgraad/database';
import { type HttpIntegration, HttpIntegrationsRepository, MqttAccountsRepository, verifySecret } from '@vulgraad/security';
import type { UplinkRoute } from './uplink-envelope';

/** Header that carries an integration's or a device's secret; `Authorization: Bearer <secret>` works too. */
export const SECRET_HEADER = 'x-vulgraad-secret';
/** KPN Things' signature of a request: SHA-256 (hex) of the body followed by the destination's shared secret. */
export const KPN_TOKEN_HEADER = 'things-message-token';

/** Who sent an HTTP uplink, once the secret checked out. */
export interface UplinkSender {
  route: UplinkRoute;
  name: string;
  /** The applications it may deliver for; null = any (a device delivers only its own readings). */
  applications: string[] | null;
}

export type AuthOutcome = { ok: true; sender: UplinkSender } | { ok: false; status: 401 | 403; detail: string };

interface Credential {
  kind: UplinkRoute;
  secretHash: string;
  kpnSharedSecret: string | null;
  applications: string[] | null;
  active: boolean;
}

const whoOf = (route: UplinkRoute, name: string): string => (route === 'device' ? `device "${name}"` : `${route} integration "${name}"`);

const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

/** The secret a request carries in X-Vulgraad-Secret or as a bearer token. */
export function presentedSecret(headers: IncomingHttpHeaders): string | null {
  const direct = headers[SECRET_HEADER];
  if (typeof direct === 'string' && direct !== '') return direct;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (m) return m[1] as string;
  }
  return null;
}

/**
 * Checks the secret of an HTTP uplink against the registry. The stored hash
 * is PBKDF2 (about a millisecond a check), too slow to run per request at a
 * thousand requests a second; so a secret that passed is remembered, next to
 * the hash it passed against, for `ttlMs`, and the next request's secret is
 * compared with it byte for byte in constant time. A changed or revoked
 * secret is read again when the remembered entry expires. While the
 * registry's entry is remembered the check is synchronous: no promise per
 * request.
 */
export class UplinkAuth {
  private readonly credentials = new Map<string, { credential: Credential | null; untilMs: number; readAtMs: number }>();
  private readonly passed = new Map<string, { secretHash: string; secret: Buffer; credential: Credential; outcome: AuthOutcome }>();
  private readonly integrations: HttpIntegrationsRepository;
  private readonly accounts: MqttAccountsRepository;

  constructor(db: Queryable, private readonly ttlMs: number, private readonly now: () => number = Date.now) {
    this.integrations = new HttpIntegrationsRepository(db);
    this.accounts = new MqttAccountsRepository(db);
  }

  /** The outcome at once when the sender's registry entry is remembered, else a promise of it (the registry is read). */
  check(route: UplinkRoute, name: string, headers: IncomingHttpHeaders, body: Buffer): AuthOutcome | Promise<AuthOutcome> {
    const key = `${route}:${name}`;
    const nowMs = this.now();
    const cached = this.credentials.get(key);
    if (!cached || cached.untilMs <= nowMs) return this.read(route, name, key).then((credential) => this.verify(route, name, headers, body, key, credential));
    const outcome = this.verify(route, name, headers, body, key, cached.credential);
    // A secret set a moment ago fails against the hash remembered before it: read the registry again, at most once a second.
    if (outcome.ok || outcome.status !== 401 || cached.readAtMs >= nowMs - 1000) return outcome;
    this.credentials.delete(key);
    return this.read(route, name, key).then((credential) => this.verify(route, name, headers, body, key, credential));
  }

  private verify(route: UplinkRoute, name: string, headers: IncomingHttpHeaders, body: Buffer, key: string, credential: Credential | null): AuthOutcome {
    if (!credential || !credential.active) return { ok: false, status: 401, detail: `${whoOf(route, name)} is not registered (or not active, or has no secret)` };
    if (route !== 'device' && credential.kind !== route) return { ok: false, status: 403, detail: `integration "${name}" is registered for ${credential.kind}, not ${route}` };

    const kpnToken = headers[KPN_TOKEN_HEADER];
    if (route === 'kpn' && typeof kpnToken === 'string' && credential.kpnSharedSecret) {
      const expected = createHash('sha256').update(body).update(credential.kpnSharedSecret).digest('hex');
      if (sameBytes(Buffer.from(kpnToken.toLowerCase()), Buffer.from(expected))) return { ok: true, sender: { route, name, applications: credential.applications } };
      return { ok: false, status: 401, detail: `the ${KPN_TOKEN_HEADER} header does not match the body and the shared secret of integration "${name}"` };
    }
    const secret = presentedSecret(headers);
    if (secret === null) return { ok: false, status: 401, detail: `send the secret of ${whoOf(route, name)} in the ${SECRET_HEADER} header${route === 'kpn' ? ` (or sign with ${KPN_TOKEN_HEADER})` : ''}` };
    // Header values reach Node as latin1 strings: these are the bytes that were sent.
    const bytes = Buffer.from(secret, 'latin1');
    const remembered = this.passed.get(key);
    const asBefore = remembered !== undefined && remembered.secretHash === credential.secretHash && sameBytes(remembered.secret, bytes);
    // The same registry entry as the last request's: the same outcome object (nobody changes it), not two new objects a request.
    if (asBefore && remembered.credential === credential) return remembered.outcome;
    if (!asBefore && !verifySecret(secret, credential.secretHash)) return { ok: false, status: 401, detail: `wrong secret for ${whoOf(route, name)}` };
    const outcome: AuthOutcome = { ok: true, sender: { route, name, applications: route === 'device' ? null : credential.applications } };
    this.passed.set(key, { secretHash: credential.secretHash, secret: bytes, credential, outcome });
    return outcome;
  }

  /** Forgets what was read, so that a change made in this process applies at once. */
  forget(route?: UplinkRoute, name?: string): void {
    if (route && name) {
      this.credentials.delete(`${route}:${name}`);
      this.passed.delete(`${route}:${name}`);
      return;
    }
    this.credentials.clear();
    this.passed.clear();
  }

  /** Reads the sender's registry entry and remembers it for ttlMs. */
  private async read(route: UplinkRoute, name: string, key: string): Promise<Credential | null> {
    let credential: Credential | null = null;
    if (route === 'device') {
      const account = await this.accounts.find(name);
      if (account && account.identity.kind === 'device') credential = { kind: 'device', secretHash: account.passwordHash, kpnSharedSecret: null, applications: null, active: true };
    } else {
      const integration: HttpIntegration | null = await this.integrations.find(name);
      if (integration) credential = { kind: integration.kind, secretHash: integration.secretHash, kpnSharedSecret: integration.kpnSharedSecret, applications: integration.applications, active: integration.active };
    }
    if (this.credentials.size > 10_000) this.credentials.clear();
    this.credentials.set(key, { credential, untilMs: this.now() + this.ttlMs, readAtMs: this.now() });
    if (!credential) this.passed.delete(key);
    return credential;
  }
}
