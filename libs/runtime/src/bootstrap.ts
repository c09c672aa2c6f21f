import type { AddressInfo } from 'node:net';
import type { INestApplication, NestApplicationOptions, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type Config, ConfigError, loadConfig } from '@vulgraad/config';
import { JsonLogger } from './json-logger';

/** A started process, as bootstrapProcess stops it. */
export interface RunningProcess {
  /** Stops every part; resolves with what did not stop cleanly (nothing, or an empty list, when all did). */
  close(): Promise<string[] | void>;
}

/** What a process is: its name, how it starts, and what it says once started. */
export interface ProcessDefinition<R extends RunningProcess> {
  /** In logs and in the messages of a failed start ("ingest failed to start: ..."). */
  service: string;
  /** Reads and validates the configuration (default `loadConfig()` of @vulgraad/config). */
  loadConfig?: () => Config;
  start(config: Config, logger: JsonLogger): Promise<R>;
  /** Called once started, unless a stop signal came first. */
  ready?(running: R, config: Config): void;
  /** Where the process's own lines go (default: the JSON logger). */
  say?(line: string): void;
  /** Said after "SIGTERM: stopping", e.g. what the stop waits for. */
  stoppingNote?: string;
}

/** What bootstrapProcess does to the process; tests hand in their own. */
export interface ProcessHost {
  exit(code: number): void;
  stderr(text: string): void;
  onSignal(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
}

const nodeProcess: ProcessHost = {
  exit: (code) => process.exit(code),
  stderr: (text) => void process.stderr.write(text),
  onSignal: (signal, handler) => void process.on(signal, handler),
};

/** Exit code of a configuration that does not validate. */
export const EXIT_CONFIG = 2;
/** Exit code of a second stop signal, which does not wait. */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs one process the same way for every app: reads the configuration
 * once (a ConfigError prints its list of bad variables and exits 2), starts
 * the process, and on the first SIGINT or SIGTERM closes it and exits 0, or
 * 1 when a part did not stop cleanly; a second signal exits at once (130).
 * A signal during start-up waits for the start to finish, so nothing is
 * left half made. A start that fails prints why and exits 1.
 */
export async function bootstrapProcess<R extends RunningProcess>(definition: ProcessDefinition<R>, host: ProcessHost = nodeProcess): Promise<void> {
  let config: Config;
  try {
    config = (definition.loadConfig ?? loadConfig)();
  } catch (error) {
    host.stderr(`${error instanceof ConfigError ? error.message : `${definition.service} failed to start: ${describe(error)}`}\n`);
    host.exit(error instanceof ConfigError ? EXIT_CONFIG : 1);
    return;
  }
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: definition.service } });
  const say = definition.say ?? ((line: string) => logger.log({ msg: line }, 'Process'));

  const starting = definition.start(config, logger);
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      say(`${signal} again: exiting without waiting`);
      host.exit(EXIT_INTERRUPTED);
      return;
    }
    stopping = true;
    say(`${signal}: stopping${definition.stoppingNote ? ` (${definition.stoppingNote})` : ''}`);
    starting
      .then((running) => running.close())
      .then(
        (problems) => {
          for (const problem of problems ?? []) host.stderr(`${problem}\n`);
          const clean = !problems || problems.length === 0;
          say(clean ? 'stopped' : 'stopped, not cleanly');
          host.exit(clean ? 0 : 1);
        },
        (error: unknown) => {
          host.stderr(`stopping failed: ${describe(error)}\n`);
          host.exit(1);
        },
      );
  };
  host.onSignal('SIGINT', stop);
  host.onSignal('SIGTERM', stop);

  let running: R;
  try {
    running = await starting;
  } catch (error) {
    host.stderr(`${definition.service} failed to start: ${describe(error)}\n`);
    host.exit(1);
    return;
  }
  if (!stopping) definition.ready?.(running, config);
}

/** Options of a process that is one Nest application listening on one port. */
export interface NestProcessOptions<A extends INestApplication> {
  /** The process's name in the "<service> listening" log line (with host and port) that says it is up. */
  service: string;
  config: Config;
  logger: JsonLogger;
  port: number;
  nest?: NestApplicationOptions;
  /** Called before listening (the gateway's body limits, headers, socket.io adapter). */
  configure?(app: A): void;
}

/** Creates a Nest application of `rootModule`, listens on `port` and logs where. Shutdown is bootstrapProcess's. */
export async function startNestApp<A extends INestApplication = INestApplication>(
  rootModule: Type<unknown>,
  { service, config, logger, port, nest, configure }: NestProcessOptions<A>,
): Promise<RunningProcess & { app: A }> {
  const app = await NestFactory.create<A>(rootModule, { logger, bufferLogs: true, ...nest });
  configure?.(app);
  await app.listen(port, config.core.httpHost);
  const address = app.getHttpServer().address() as AddressInfo | null;
  logger.log({ msg: `${service} listening`, host: config.core.httpHost, port: address?.port }, 'Bootstrap');
  return { app, close: () => app.close() };
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
