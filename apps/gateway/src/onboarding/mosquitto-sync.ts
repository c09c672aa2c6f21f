import { chmod, chown, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import type { Database } from '@vulgraad/database';
import { mosquittoFiles, MqttAccountsRepository } from '@vulgraad/security';

/** Where Mosquitto reads its user files and how it is told to read them again. */
export interface MosquittoSyncOptions {
  /** Folder of passwd, acl, services.passwd and services.acl; empty = no Mosquitto to keep in step. */
  folder: string;
  /** Mosquitto's pid file: SIGHUP makes it read the files again. */
  pidFile: string;
  topicPrefix: string;
}

/**
 * What a change of logins did to the broker: `state` (with folder, pid, error)
 * for a page to say it in its own language, `note` the same in English.
 */
export interface BrokerSync {
  written: boolean;
  reloaded: boolean;
  state: 'embedded' | 'written' | 'reloaded' | 'not_signalled';
  folder?: string;
  pid?: number;
  error?: string;
  note: string;
}

/**
 * Keeps Mosquitto's password and ACL files in step with the registry: after
 * each change of a login (device secret, MQTT account) the files are written
 * again (to a temporary name, then renamed, so Mosquitto never reads half a
 * file; the new file keeps the mode and owner of the one it replaces, so a
 * Mosquitto that has dropped to its own user can still read it) and Mosquitto is sent SIGHUP when its pid file is known. Without a
 * pid file the operator reloads it (`systemctl reload mosquitto`, or
 * `kill -HUP`); the answer of the API says which happened.
 */
export class MosquittoSync {
  private readonly logger = new Logger(MosquittoSync.name);
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Database, private readonly options: MosquittoSyncOptions) {}

  get enabled(): boolean {
    return this.options.folder !== '';
  }

  /** Writes the files and signals Mosquitto; one run at a time, in the order asked. */
  sync(): Promise<BrokerSync> {
    const run = this.chain.then(() => this.write());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async write(): Promise<BrokerSync> {
    if (!this.enabled) return { written: false, reloaded: false, state: 'embedded', note: 'the embedded broker checks logins against the registry as they come: nothing to reload' };
    const files = mosquittoFiles(await new MqttAccountsRepository(this.db).list(), { topicPrefix: this.options.topicPrefix, generatedAt: new Date() });
    await mkdir(this.options.folder, { recursive: true });
    const entries: Array<[string, string]> = [
      ['passwd', files.passwords], ['acl', files.acl], ['services.passwd', files.servicePasswords], ['services.acl', files.serviceAcl],
    ];
    for (const [name, text] of entries) {
      const target = path.join(this.options.folder, name);
      await writeFile(`${target}.tmp`, text, { mode: 0o640 });
      await keepOwnership(target, `${target}.tmp`);
      await rename(`${target}.tmp`, target);
    }
    const folder = this.options.folder;
    if (!this.options.pidFile) return { written: true, reloaded: false, state: 'written', folder, note: `files written to ${folder}; reload Mosquitto (SIGHUP) for them to apply` };
    try {
      const pid = Number((await readFile(this.options.pidFile, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 1) throw new Error(`no pid in ${this.options.pidFile}`);
      process.kill(pid, 'SIGHUP');
      return { written: true, reloaded: true, state: 'reloaded', folder, pid, note: `files written to ${folder}; Mosquitto (pid ${pid}) told to read them` };
    } catch (error) {
      this.logger.warn({ msg: 'Mosquitto files written but not reloaded', err: error });
      const reason = (error as Error).message;
      return { written: true, reloaded: false, state: 'not_signalled', folder, error: reason, note: `files written to ${folder}; Mosquitto could not be signalled (${reason}): reload it by hand` };
    }
  }
}


/** Gives the new file the mode and owner of the file it replaces, when there is one (owner only where this process may). */
async function keepOwnership(target: string, replacement: string): Promise<void> {
  const existing = await stat(target).catch(() => null);
  if (!existing) return;
  await chmod(replacement, existing.mode & 0o777);
  await chown(replacement, existing.uid, existing.gid).catch(() => undefined);
}
