import type { ParsedReading } from '@vulgraad/contracts';
import { hasMeasurement, readDecodedValues } from './decoded-values';
import { FieldProblem, type JsonObject, optionalInteger, optionalObject, optionalString, parseTime } from './fields';
import type { TopicMatch } from './topics';
import { decodeBase64, strongestGateway } from './ttn-v3';

/**
 * Reads a ChirpStack v4 uplink event (`application/{appId}/device/{devEui}/event/up`,
 * JSON marshaler): the DevEUI from `deviceInfo` (or the topic), values from
 * `object`, raw bytes from `data` (base64), `fCnt` as sequence, `time` as the
 * measurement time, RSSI and SNR of the best gateway in `rxInfo`.
 */
export function readChirpstackV4(topic: TopicMatch, doc: JsonObject): ParsedReading {
  const info = optionalObject(doc, 'deviceInfo', 'deviceInfo');
  // An empty devEui names no device: the topic's then.
  const devEui = ((info && optionalString(info, 'devEui', 'deviceInfo.devEui')) || topic.deviceRef).toLowerCase();
  const applicationId = (info && optionalString(info, 'applicationId', 'deviceInfo.applicationId')) ?? topic.applicationId;
  const decoded = optionalObject(doc, 'object', 'object');
  const fields = decoded ? readDecodedValues(decoded, 'object') : {};
  const deviceTime = decoded ? (decoded.measuredAt ?? decoded.ts) : undefined;
  const fPort = optionalInteger(doc, 'fPort', 'fPort');
  const data = optionalString(doc, 'data', 'data');
  const best = strongestGateway(doc.rxInfo, 'rxInfo');
  const time = doc.time;

  const reading: ParsedReading = {
    format: 'chirpstack-v4',
    deviceRef: devEui,
    devEui,
    applicationId,
    measuredAt: deviceTime !== undefined ? parseTime(deviceTime, 'object time') : time !== undefined && time !== null ? parseTime(time, 'time') : undefined,
    ...fields,
    rssiDbm: best?.rssi,
    snrDb: best?.snr,
    // proto3 JSON leaves out zero values: a missing fCnt is frame 0.
    seq: optionalInteger(doc, 'fCnt', 'fCnt') ?? 0,
    correlationId: optionalString(doc, 'deduplicationId', 'deduplicationId'),
  };
  if (data !== undefined && data !== '') reading.rawUplink = { fPort: fPort ?? 0, bytes: decodeBase64(data, 'data') };
  if (!hasMeasurement(fields) && !reading.rawUplink) throw new FieldProblem('missing_field', 'uplink has neither object values nor data');
  return reading;
}
