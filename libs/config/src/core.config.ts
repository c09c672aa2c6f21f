import { bool, int, oneOf, optionalStr, str } from './env';

/** Where the system's parts are; unset URLs mean the embedded part is used. */
export const coreSpec = {
  databaseUrl: optionalStr('DATABASE_URL', 'PostgreSQL/TimescaleDB URL; unset = embedded PGlite with TimescaleDB'),
  pgliteDataDir: str('PGLITE_DATA_DIR', '.data/pglite', 'Folder of the embedded database (kept across restarts)'),
  mqttUrl: optionalStr('MQTT_URL', 'MQTT broker URL, e.g. mqtt://127.0.0.1:1883; unset = embedded aedes broker'),
  mqttUsername: optionalStr('MQTT_USERNAME', 'User name of the services on the broker'),
  mqttPassword: optionalStr('MQTT_PASSWORD', 'Password of the services on the broker', true),
  embeddedMqttPort: int('EMBEDDED_MQTT_PORT', 1884, 'TCP port of the embedded MQTT broker (0 = any free port)', 0, 65535),
  redisUrl: optionalStr('REDIS_URL', 'Redis URL for queues, events and the socket.io adapter; unset = in-process'),
  eventsRedisPrefix: str('EVENTS_REDIS_PREFIX', 'vulgraad:events:', 'Redis channel prefix of the events between the services (with REDIS_URL set); deployments sharing a Redis take one each'),
  httpHost: str('HTTP_HOST', '127.0.0.1', 'Address the HTTP servers listen on'),
  logLevel: oneOf('LOG_LEVEL', 'info', ['debug', 'info', 'warn', 'error'] as const, 'Least severe log level written'),
  logJson: bool('LOG_JSON', true, 'Write logs as JSON lines'),
  timezone: str('CITY_TIMEZONE', 'Europe/Amsterdam', 'IANA time zone of the city: shifts and weekdays are local'),
};
