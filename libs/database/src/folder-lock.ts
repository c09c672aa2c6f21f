import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** The embedded database's folder is open in another process. */
export class FolderInUseError extends Error {
  constructor(readonly dataDir: string, readonly holder: { pid: number; host: string; since: string }) {
    super(
      `the embedded database in ${dataDir} is open in process ${holder.pid} (since ${holder.since}): PGlite has one writer, and a second one can leave the folder unreadable. ` +
        'Stop that process first (npm start, or another command), or point both at PostgreSQL with DATABASE_URL',
    );
  }
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes the embedded database's folder for this process: a lock file beside
 * it (`<folder>.lock`, created exclusively) with the holder's pid. A lock
 * left by a process that is gone is taken over. Released by `release()` and,
 * should the process end without it, on exit.
 */
export function lockDataFolder(dataDir: string): { release(): void } {
  const folder = path.resolve(dataDir);
  const lockPath = `${folder}.lock`;
  const mine: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const text = JSON.stringify(mine);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, text, { flag: 'wx', mode: 0o644 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      let holder: Holder | null = null;
      try {
        holder = JSON.parse(readFileSync(lockPath, 'utf8')) as Holder;
      } catch {
        // Unreadable or half written: its writer died while writing it.
      }
      // Only a process of this machine can be checked; another host's lock is respected.
      if (holder && (holder.host !== mine.host || alive(holder.pid))) throw new FolderInUseError(folder, holder);
      unlinkSync(lockPath);
    }
  }
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    try {
      if (readFileSync(lockPath, 'utf8') === text) unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', release);
  return { release };
}
