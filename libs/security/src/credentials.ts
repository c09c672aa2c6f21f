import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Device and service credentials for MQTT, hashed in the format Mosquitto 2
 * reads from its password file: `$7$<iterations>$<salt base64>$<hash base64>`,
 * PBKDF2 with SHA-512, a 12-byte salt and a 64-byte hash. Stored in that form
 * (`devices.secret_hash`, `mqtt_accounts.password_hash`), the same hash serves
 * the embedded broker's check and goes into Mosquitto's password file as it is:
 * the secret itself is never stored.
 */
export const MOSQUITTO_HASH_PREFIX = '$7$';
/** Mosquitto's own default is 101; each connect costs about a millisecond at this count. */
export const DEFAULT_HASH_ITERATIONS = 1000;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/** A new random secret for a device or service account: 32 characters, URL- and shell-safe. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** Hashes a secret for storage and for Mosquitto's password file. */
export function hashSecret(secret: string, iterations = DEFAULT_HASH_ITERATIONS, salt: Buffer = randomBytes(SALT_BYTES)): string {
  const hash = pbkdf2Sync(secret, salt, iterations, HASH_BYTES, 'sha512');
  return `${MOSQUITTO_HASH_PREFIX}${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** True when the secret matches the stored hash; false for a wrong secret or a hash in another format. */
export function verifySecret(secret: string, stored: string): boolean {
  const parts = stored.split('$');
  // ['', '7', iterations, salt, hash]
  if (parts.length !== 5 || parts[0] !== '' || parts[1] !== '7') return false;
  const iterations = Number(parts[2]);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000) return false;
  const salt = Buffer.from(parts[3] as string, 'base64');
  const expected = Buffer.from(parts[4] as string, 'base64');
  if (salt.length === 0 || expected.length !== HASH_BYTES) return false;
  const actual = pbkdf2Sync(secret, salt, iterations, HASH_BYTES, 'sha512');
  return timingSafeEqual(actual, expected);
}
