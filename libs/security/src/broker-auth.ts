import { timingSafeEqual } from 'node:crypto';
import type { MqttAccount } from './mosquitto-files';
import { clientIdRefusal, type MqttIdentity, mayPublish, maySubscribe } from './topic-rules';
import { verifySecret } from './credentials';

/** The parts of an aedes client these hooks read: kept structural, so this library needs no broker import. */
export interface BrokerClient {
  id: string;
}

/** aedes' CONNACK return codes for a refused login (MQTT 3.1.1). */
export const IDENTIFIER_REJECTED = 2;
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

export type AuthError = Error & { returnCode: number };

export interface BrokerAuthOptions {
  /** The registry: a device or account by user name. */
  lookup(username: string): Promise<MqttAccount | null>;
  /** The system's own service user (the all-in-one's ingest and simulator), checked before the registry. */
  service?: { username: string; password: string } | null;
  topicPrefix?: string;
  /** Told of every refusal, for the log (never with the password). */
  onRefused?(event: { clientId: string; username: string | null; action: 'connect' | 'publish' | 'subscribe'; topic?: string; reason: string }): void;
}

/**
 * aedes' authenticate / authorizePublish / authorizeSubscribe hooks from the
 * device registry: a device logs in with its external reference and its own
 * secret (stored hashed) and may publish on its own native topic only;
 * network servers publish their applications' uplinks; services do the rest.
 * A refused publish ends the client's connection (aedes' behaviour for an
 * error from authorizePublish), so the device sees it at once.
 */
export function createBrokerAuth(options: BrokerAuthOptions) {
  const identities = new WeakMap<BrokerClient, MqttIdentity>();
  const prefix = options.topicPrefix ?? '';
  const refused = options.onRefused ?? (() => undefined);

  const authenticate = (client: BrokerClient, username: string | undefined, password: Buffer | undefined, done: (error: AuthError | null, success: boolean | null) => void): void => {
    const fail = (reason: string, code = BAD_USERNAME_OR_PASSWORD): void => {
      refused({ clientId: client.id, username: username ?? null, action: 'connect', reason });
      done(Object.assign(new Error(reason), { returnCode: code }), false);
    };
    if (!username || !password) return fail('no user name or password');
    const secret = password.toString('utf8');
    const service = options.service;
    if (service && username === service.username) {
      const a = Buffer.from(secret);
      const b = Buffer.from(service.password);
      if (a.length === b.length && timingSafeEqual(a, b)) {
        identities.set(client, { kind: 'service', username });
        return done(null, true);
      }
      return fail('wrong password');
    }
    options.lookup(username).then(
      (account) => {
        if (!account) return fail('unknown user');
        if (!verifySecret(secret, account.passwordHash)) return fail('wrong password');
        // Checked before aedes looks at the id's session, so a refused client never takes it over.
        const idRefusal = clientIdRefusal(account.identity, client.id);
        if (idRefusal) return fail(idRefusal, IDENTIFIER_REJECTED);
        identities.set(client, account.identity);
        done(null, true);
      },
      () => fail('the registry could not be read', NOT_AUTHORIZED),
    );
  };

  const authorizePublish = (client: BrokerClient | null, packet: { topic: string }, callback: (error?: Error | null) => void): void => {
    // No client: the broker's own messages ($SYS, wills it sends on a client's behalf were checked at connect).
    if (!client) return callback(null);
    const identity = identities.get(client);
    if (identity && mayPublish(identity, packet.topic, prefix)) return callback(null);
    const reason = identity ? `${identity.kind} ${identity.username} may not publish on ${packet.topic}` : 'not logged in';
    refused({ clientId: client.id, username: identity?.username ?? null, action: 'publish', topic: packet.topic, reason });
    callback(new Error(reason));
  };

  const authorizeSubscribe = <S extends { topic: string }>(client: BrokerClient | null, subscription: S, callback: (error: Error | null, subscription?: S | null) => void): void => {
    if (!client) return callback(null, subscription);
    const identity = identities.get(client);
    if (identity && maySubscribe(identity)) return callback(null, subscription);
    refused({ clientId: client.id, username: identity?.username ?? null, action: 'subscribe', topic: subscription.topic, reason: 'only services subscribe' });
    // A null subscription is refused in the SUBACK (0x80) without ending the connection.
    callback(null, null);
  };

  return { authenticate, authorizePublish, authorizeSubscribe };
}

export type BrokerAuth = ReturnType<typeof createBrokerAuth>;
