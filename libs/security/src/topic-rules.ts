import { matchTopic, nativeTopic } from '@vulgraad/payloads';

/** Who is on the broker, and what that identity may do. */
export type MqttIdentity =
  | { kind: 'device'; username: string }
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

/** May this identity publish on this topic (the broker's topic, with the deployment's prefix)? */
export function mayPublish(identity: MqttIdentity, topic: string, topicPrefix = ''): boolean {
  if (identity.kind === 'service') return true;
  if (!topic.startsWith(topicPrefix)) return false;
  const bare = topic.slice(topicPrefix.length);
  if (identity.kind === 'device') return bare === nativeTopic(identity.username);
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
