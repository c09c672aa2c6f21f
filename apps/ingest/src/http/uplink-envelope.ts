import type { RejectReason } from '@vulgraad/contracts';
import { chirpstackUplinkTopic, kpnUplinkTopic, nativeTopic } from '@vulgraad/payloads';

/** Which door an HTTP uplink came in by. */
export type UplinkRoute = 'tts' | 'chirpstack' | 'kpn' | 'device';

/** Where an HTTP uplink goes in the ingest: the topic its parser reads, and the application it claims. */
export type Envelope =
  | { ok: true; topic: string; applicationId: string | null; deviceRef: string | null }
  | { ok: false; topic: string; reason: RejectReason; detail: string; deviceRef?: string };

/** What a topic segment may hold: no separators or wildcards of MQTT topics, nothing empty. */
const SEGMENT = /^[^/+#@\s]{1,128}$/;
const DEV_EUI = /^[0-9A-Fa-f]{16}$/;

const get = (doc: unknown, ...path: string[]): unknown => {
  let at = doc;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
};

/**
 * The topic an HTTP uplink is parsed under, so that webhooks go through the
 * very parsers (and checks) of MQTT uplinks: The Things Stack's application
 * and device from `end_device_ids`, ChirpStack's from `deviceInfo`, KPN's
 * DevEUI from the SenML base name with the integration as application, a
 * device's own reference from the path. A body that is not JSON gets a
 * placeholder topic of its format, and the parser then names the problem.
 */
export function envelopeOf(route: UplinkRoute, name: string, body: Buffer): Envelope {
  if (route === 'device') return { ok: true, topic: nativeTopic(name), applicationId: null, deviceRef: name };
  const quick = quickEnvelope(route, name, body);
  if (quick) return quick;
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    doc = undefined;
  }
  switch (route) {
    case 'tts': {
      const applicationId = get(doc, 'end_device_ids', 'application_ids', 'application_id');
      const deviceId = get(doc, 'end_device_ids', 'device_id');
      if (doc === undefined) return { ok: true, topic: `v3/unknown/devices/unknown/up`, applicationId: null, deviceRef: null };
      if (typeof applicationId !== 'string' || !SEGMENT.test(applicationId)) {
        return { ok: false, topic: 'v3/unknown/devices/unknown/up', reason: 'missing_field', detail: 'end_device_ids.application_ids.application_id is missing or not an application id' };
      }
      if (typeof deviceId !== 'string' || !SEGMENT.test(deviceId)) {
        return { ok: false, topic: `v3/${applicationId}/devices/unknown/up`, reason: 'missing_field', detail: 'end_device_ids.device_id is missing or not a device id' };
      }
      return { ok: true, topic: `v3/${applicationId}/devices/${deviceId}/up`, applicationId, deviceRef: deviceId };
    }
    case 'chirpstack': {
      const applicationId = get(doc, 'deviceInfo', 'applicationId');
      const devEui = get(doc, 'deviceInfo', 'devEui');
      const placeholder = chirpstackUplinkTopic('unknown', '0000000000000000');
      if (doc === undefined) return { ok: true, topic: placeholder, applicationId: null, deviceRef: null };
      if (typeof applicationId !== 'string' || !SEGMENT.test(applicationId)) {
        return { ok: false, topic: placeholder, reason: 'missing_field', detail: 'deviceInfo.applicationId is missing or not an application id' };
      }
      if (typeof devEui !== 'string' || !DEV_EUI.test(devEui)) {
        return { ok: false, topic: chirpstackUplinkTopic(applicationId, '0000000000000000'), reason: 'missing_field', detail: 'deviceInfo.devEui is missing or not 16 hex digits' };
      }
      return { ok: true, topic: chirpstackUplinkTopic(applicationId, devEui.toLowerCase()), applicationId, deviceRef: devEui.toLowerCase() };
    }
    case 'kpn': {
      const baseName = Array.isArray(doc) ? get(doc[0], 'bn') : undefined;
      const eui = typeof baseName === 'string' ? /^urn:dev:DEVEUI:([0-9A-Fa-f]{16}):?/.exec(baseName)?.[1]?.toLowerCase() : undefined;
      const topic = kpnUplinkTopic(name, eui ?? '0000000000000000');
      if (doc === undefined || !Array.isArray(doc)) return { ok: true, topic, applicationId: name, deviceRef: null };
      if (!eui) return { ok: false, topic, reason: 'missing_field', detail: 'the first SenML record has no base name "urn:dev:DEVEUI:<16 hex digits>:"' };
      return { ok: true, topic, applicationId: name, deviceRef: eui };
    }
  }
}

/**
 * The value of the first `"key": "..."` in the body, read from the bytes
 * without parsing the document (the parser reads it once, later); undefined
 * when the key is absent or its value is not a plain string.
 */
function firstString(body: Buffer, quotedKey: Buffer): string | undefined {
  const at = body.indexOf(quotedKey);
  if (at < 0) return undefined;
  let i = at + quotedKey.length;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i++] !== 0x3a) return undefined;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (body[i++] !== 0x22) return undefined;
  const end = body.indexOf(0x22, i);
  if (end < 0 || end - i > 256) return undefined;
  const value = body.toString('utf8', i, end);
  return value.includes('\\') ? undefined : value;
}

/** The keys firstString looks for, quoted, as bytes made once. */
const quoted = (key: string): Buffer => Buffer.from(`"${key}"`, 'utf8');
const APPLICATION_ID = quoted('application_id');
const DEVICE_ID = quoted('device_id');
const APPLICATION_ID_CHIRPSTACK = quoted('applicationId');
const DEV_EUI_CHIRPSTACK = quoted('devEui');
const BASE_NAME = quoted('bn');

/**
 * The envelope from the identities' first occurrence in the bytes, when they
 * are there and well-formed; null sends the body to the full parse above.
 * Taking the first occurrence is safe: the topic's application is what the
 * integration is checked against, and the pipeline checks that the device the
 * parser finds belongs to that same application.
 */
function quickEnvelope(route: UplinkRoute, name: string, body: Buffer): Envelope | null {
  switch (route) {
    case 'tts': {
      const applicationId = firstString(body, APPLICATION_ID);
      const deviceId = firstString(body, DEVICE_ID);
      if (!applicationId || !deviceId || !SEGMENT.test(applicationId) || !SEGMENT.test(deviceId)) return null;
      return { ok: true, topic: `v3/${applicationId}/devices/${deviceId}/up`, applicationId, deviceRef: deviceId };
    }
    case 'chirpstack': {
      const applicationId = firstString(body, APPLICATION_ID_CHIRPSTACK);
      const devEui = firstString(body, DEV_EUI_CHIRPSTACK);
      if (!applicationId || !devEui || !SEGMENT.test(applicationId) || !DEV_EUI.test(devEui)) return null;
      return { ok: true, topic: chirpstackUplinkTopic(applicationId, devEui.toLowerCase()), applicationId, deviceRef: devEui.toLowerCase() };
    }
    case 'kpn': {
      const eui = /^urn:dev:DEVEUI:([0-9A-Fa-f]{16}):?/.exec(firstString(body, BASE_NAME) ?? '')?.[1]?.toLowerCase();
      return eui ? { ok: true, topic: kpnUplinkTopic(name, eui), applicationId: name, deviceRef: eui } : null;
    }
    case 'device':
      return null;
  }
}
