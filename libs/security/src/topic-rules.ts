import { matchTopic, nativeTopic, VEHICLE_TOPIC_PREFIX } from '@vulgraad/payloads';

/** Who is on the broker, and what that identity may do. */
export type MqttIdentity =
  | { kind: 'device'; username: string }
  /** A truck (or its telematics box): logs in with the truck's id, publishes under its own `vulgraad/v1/vehicles/{id}/` only. */
  | { kind: 'vehicle'; username: string }
  /** The system's own processes (ingest, simulators, bridges): read every reading topic, publish anywhere under them. */
  | { kind: 'service'; username: string }
  /**
   * A LoRaWAN network server's MQTT integration: publishes uplinks only, of
   * the listed applications (the topic's application segment as it appears:
   * `app@tenant` for The Things Stack, the application id for ChirpStack); null = any.
   */
  | { kind: 'network_server'; username: string; applications: string[] | null };

/** Characters a user name may have to be written into Mosquitto's password and ACL files. */
export const SAFE_USERNAME = /^[A-Za-z0-9._@-]{1,128}$/;

/** Client ids under this prefix belong to the system's own services (the ingest's persistent session among them). */
export const SERVICE_CLIENT_ID_PREFIX = 'vulgraad-';

/**
 * Why this identity may not connect with this client id, or null when it may.
 * A broker hands a client id's session (its subscriptions and queued messages)
 * to whoever connects with it next, so the id is tied to the login: a device
 * connects as its own reference, and no one but a service takes a `vulgraad-` id.
 */
export function clientIdRefusal(identity: MqttIdentity, clientId: string): string | null {
  if (identity.kind === 'service') return null;
  if (clientId.startsWith(SERVICE_CLIENT_ID_PREFIX)) return `client ids starting with ${SERVICE_CLIENT_ID_PREFIX} are kept for the system's services, not ${identity.kind === 'network_server' ? 'network server' : identity.kind === 'vehicle' ? 'truck' : 'device'} ${identity.username}`;
  if (identity.kind === 'device') return clientId === identity.username ? null : `device ${identity.username} must connect with its own reference as client id, not "${clientId}"`;
  if (identity.kind === 'vehicle') return clientId === identity.username ? null : `truck ${identity.username} must connect with its own id as client id, not "${clientId}"`;
  return null;
}

/** May this identity publish on this topic (the broker's topic, with the deployment's prefix)? */
export function mayPublish(identity: MqttIdentity, topic: string, topicPrefix = ''): boolean {
  if (identity.kind === 'service') return true;
  if (!topic.startsWith(topicPrefix)) return false;
  const bare = topic.slice(topicPrefix.length);
  if (identity.kind === 'device') return bare === nativeTopic(identity.username);
  if (identity.kind === 'vehicle') {
    const own = `${VEHICLE_TOPIC_PREFIX}${identity.username}/`;
    return bare.startsWith(own) && !bare.slice(own.length).includes('/') && bare.length > own.length;
  }
  const match = matchTopic(bare);
  if (!match || match.format === 'native') return false;
  if (identity.applications === null) return true;
  const segment = bare.split('/')[1] as string;
  return identity.applications.includes(segment);
}

/** May this identity subscribe to this filter? Devices and network servers publish only. */
export function maySubscribe(identity: MqttIdentity): boolean {
  return identity.kind === 'service';
}
