import { int, num, oneOf, str } from './env';

/** The ingest service: MQTT subscription, batching, limits and data-quality thresholds. */
export const ingestSpec = {
  clientId: str('INGEST_CLIENT_ID', '', 'MQTT client id; keep it fixed per replica so the broker keeps its session (and unacknowledged messages) across restarts; empty = vulgraad-ingest-<host name>'),
  shareGroup: str('INGEST_SHARE_GROUP', 'vulgraad-ingest', 'MQTT shared-subscription group that replicas split the work in; empty = ordinary subscription'),
  topicPrefix: str('INGEST_TOPIC_PREFIX', '', 'Prefix in front of every topic (a bridged broker mount point, or isolation between deployments)'),
  mqttProtocol: oneOf('INGEST_MQTT_PROTOCOL', '5', ['5', '4'] as const, 'MQTT protocol version towards an external broker (the embedded broker always gets 4 = MQTT 3.1.1)'),
  sessionExpiryS: int('INGEST_SESSION_EXPIRY_S', 86400, 'How long the broker keeps the session of a stopped ingest (MQTT 5)', 0, 4294967295),
  receiveMaximum: int('INGEST_RECEIVE_MAXIMUM', 12000, 'Unacknowledged QoS 1 messages the broker may have in flight to one replica (MQTT 5); bounds memory. About two batches being written plus the next filling; a larger window only holds more messages in memory, which costs CPU in garbage collection', 1, 65535),
  batchSize: int('INGEST_BATCH_SIZE', 5000, 'Most readings written in one transaction', 1, 100000),
  writers: int('INGEST_WRITERS', 2, 'Batches written at the same time, each in its own transaction and connection', 1, 16),
  batchWaitMs: int('INGEST_BATCH_WAIT_MS', 50, 'Longest a message waits for its batch to fill before it is written', 0, 60000),
  maxBufferedMessages: int('INGEST_MAX_BUFFERED', 20000, 'Messages held before the ingest stops reading from the broker until a batch is written (MQTT 5 is bounded by INGEST_RECEIVE_MAXIMUM first)', 1, 1000000),
  writeStrategy: oneOf('INGEST_WRITE_STRATEGY', 'copy', ['copy', 'staging', 'unnest'] as const, 'How a batch reaches the readings table: copy = COPY straight in (staging after a duplicate), staging = COPY into a staging table + INSERT ON CONFLICT, unnest = INSERT from arrays; a batch of fewer than 256 rows always goes as unnest (one statement)'),
  maxPayloadBytes: int('INGEST_MAX_PAYLOAD_BYTES', 16384, 'Larger messages are rejected as oversize', 64, 1048576),
  rejectKeepBytes: int('INGEST_REJECT_KEEP_BYTES', 4096, 'Bytes of a rejected payload kept in rejected_messages', 0, 1048576),
  httpPort: int('INGEST_HTTP_PORT', 3101, 'Port of /health, /metrics and /stats (0 = any free port, logged at start)', 0, 65535),
  cacheTtlS: int('INGEST_CACHE_TTL_S', 30, 'Seconds a device, binding or container stays cached before it is read again', 0, 86400),
  futureSkewS: int('INGEST_FUTURE_SKEW_S', 300, 'A measurement time more than this many seconds after receipt is rejected as future_time (kept in rejected_messages, never stored as a reading or state)', 0, 86400 * 365),
  staleAfterS: int('INGEST_STALE_AFTER_S', 172800, 'A measurement time this many seconds before receipt is flagged stale_timestamp', 0, 86400 * 3650),
  jumpPct: num('INGEST_JUMP_PCT', 50, 'A fill rise above this many points within INGEST_JUMP_WINDOW_S is flagged impossible_jump', 0, 100),
  jumpWindowS: int('INGEST_JUMP_WINDOW_S', 1800, 'See INGEST_JUMP_PCT', 0, 86400 * 7),
  stuckReadings: int('INGEST_STUCK_READINGS', 12, 'The same fill this many readings in a row over INGEST_STUCK_HOURS is flagged stuck_value', 2, 100000),
  stuckHours: num('INGEST_STUCK_HOURS', 24, 'See INGEST_STUCK_READINGS', 0, 24 * 365),
  tiltDeg: num('INGEST_TILT_DEG', 20, 'A sensor tilted more than this many degrees is flagged tilted', 0, 180),
};
