import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The folder with the real city data and routing benchmarks that sits next to
 * the repository (`../shared`). Not part of the repository; tests and
 * benchmarks that use it say so and skip when it is absent.
 * Order: VULGRAAD_SHARED_DIR, then `<repo>/../shared`; nowhere else, so a
 * clone without it behaves as a user's machine does.
 */
export function sharedDataDir(env: Record<string, string | undefined> = process.env): string | null {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const candidates = [env.VULGRAAD_SHARED_DIR, path.resolve(repoRoot, '..', 'shared')];
  for (const candidate of candidates) {
    if (candidate && existsSync(path.join(candidate, 'data'))) return candidate;
  }
  return null;
}

/** A path inside the shared folder, or null when the folder or the file is absent. */
export function sharedPath(...parts: string[]): string | null {
  const root = sharedDataDir();
  if (!root) return null;
  const full = path.join(root, ...parts);
  return existsSync(full) ? full : null;
}
