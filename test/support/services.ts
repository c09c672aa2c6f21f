/**
 * Where the machine's real services are. Tests read these and nothing else,
 * so CI and a developer's machine can point them elsewhere.
 */
export const testPostgresUrl = (): string => process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testRedisUrl = (): string => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const testMqttUrl = (): string => process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
