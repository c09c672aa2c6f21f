import type { PayloadFormat } from '@vulgraad/contracts';

/** The native topic of a device: `vulgraad/v1/devices/{deviceId}/readings`. */
export const nativeTopic = (deviceId: string): string => `vulgraad/v1/devices/${deviceId}/readings`;
/** A The Things Stack v3 uplink topic: `v3/{applicationId}@{tenantId}/devices/{deviceId}/up`. */
export const ttnUplinkTopic = (applicationId: string, tenantId: string, deviceId: string): string =>
  `v3/${applicationId}@${tenantId}/devices/${deviceId}/up`;
/** A ChirpStack v4 uplink topic: `application/{applicationId}/device/{devEui}/event/up`. */
export const chirpstackUplinkTopic = (applicationId: string, devEui: string): string =>
  `application/${applicationId}/device/${devEui}/event/up`;

/**
 * The topic a KPN Things SenML uplink is handed to the parsers under:
 * `kpn/{integration}/devices/{devEui}/up`. KPN delivers over HTTP only, so no
 * broker carries it; the HTTP ingest names the integration as the application.
 */
export const kpnUplinkTopic = (integration: string, devEui: string): string => `kpn/${integration}/devices/${devEui}/up`;

/**
 * What the ingest subscribes to. The native filter covers the whole native
 * namespace so that a sensor publishing to a wrong path under it is rejected
 * as unknown_topic and seen, not silently ignored; the LoRaWAN filters take
 * uplinks only (joins, acks and status events are not readings).
 */
export const INGEST_TOPIC_FILTERS = ['vulgraad/v1/#', 'v3/+/devices/+/up', 'application/+/device/+/event/up'] as const;

/** What a topic says about the message: its format and the identities it names. */
export interface TopicMatch {
  format: PayloadFormat;
  deviceRef: string;
  applicationId?: string;
  tenantId?: string;
}

const TTN = /^v3\/([^/@]+)(?:@([^/]+))?\/devices\/([^/]+)\/up$/;
const CHIRPSTACK = /^application\/([^/]+)\/device\/([0-9A-Fa-f]{16})\/event\/up$/;
const KPN = /^kpn\/([^/]+)\/devices\/([0-9A-Fa-f]{16})\/up$/;

const NATIVE_HEAD = 'vulgraad/v1/devices/';
const NATIVE_TAIL = '/readings';
const SLASH = 47;

/**
 * The device of a native topic (`vulgraad/v1/devices/{deviceId}/readings`,
 * the id without a slash), or null for any other topic. Read without a
 * regular expression, whose match array was made for every message: the
 * native topic is by far the most frequent.
 */
function nativeDevice(topic: string): string | null {
  const end = topic.length - NATIVE_TAIL.length;
  if (end <= NATIVE_HEAD.length || !topic.startsWith(NATIVE_HEAD) || !topic.endsWith(NATIVE_TAIL)) return null;
  for (let i = NATIVE_HEAD.length; i < end; i++) if (topic.charCodeAt(i) === SLASH) return null;
  return topic.slice(NATIVE_HEAD.length, end);
}

/** The format a topic belongs to, or null for a topic none of the three formats uses. */
export function matchTopic(topic: string): TopicMatch | null {
  const native = nativeDevice(topic);
  if (native !== null) return { format: 'native', deviceRef: native };
  let m = TTN.exec(topic);
  if (m) return { format: 'ttn-v3', deviceRef: m[3] as string, applicationId: m[1] as string, tenantId: m[2] };
  m = CHIRPSTACK.exec(topic);
  if (m) return { format: 'chirpstack-v4', deviceRef: (m[2] as string).toLowerCase(), applicationId: m[1] as string };
  m = KPN.exec(topic);
  if (m) return { format: 'kpn-senml', deviceRef: (m[2] as string).toLowerCase(), applicationId: m[1] as string };
  return null;
}
