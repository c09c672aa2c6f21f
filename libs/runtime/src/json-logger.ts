import { hostname } from 'node:os';
import type { LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import { currentLogContext } from './log-context';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/**
 * Fields whose values never reach a log line, at the top of an entry or up
 * to two objects deep (`{ user: { password } }`, `{ req: { headers: { authorization } } }`).
 */
export const REDACTED_FIELDS = [
  'password', 'passwordHash', 'secret', 'secretHash', 'token', 'accessToken', 'refreshToken', 'jwtSecret',
  'authorization', 'cookie', 'apiKey', 'mqttPassword', 'adminPassword', 'webhookSecret',
] as const;
const REDACT_PATHS = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export interface JsonLoggerOptions {
  level?: LogLevelName;
  /** false = one readable line per entry instead of JSON. */
  json?: boolean;
  /** Fields added to every entry (service name, replica). */
  base?: Record<string, unknown>;
  write?: (line: string) => void;
}

/**
 * Structured logs through pino, one JSON object per line on stdout: `t`
 * (ISO time), `level`, pino's `pid` and `hostname`, the base fields
 * (`service`), `context`, `msg` and any fields; the values of
 * REDACTED_FIELDS are written as "[redacted]". Pass an object as the message to log fields:
 * `logger.log({ msg: 'batch committed', rows: 500 }, 'IngestPipeline')`.
 * Used as the Nest application logger, so `new Logger(Context)` writes here.
 * Lines written inside `withLogContext` (an HTTP request) carry its fields,
 * e.g. `requestId`.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Pino;

  constructor(options: JsonLoggerOptions = {}) {
    const json = options.json ?? true;
    const write = options.write ?? ((line: string) => void process.stdout.write(line + '\n'));
    this.pino = pino(
      {
        level: options.level ?? 'info',
        base: { pid: process.pid, hostname: hostname(), ...options.base },
        timestamp: () => `,"t":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      },
      { write: (chunk: string) => write(json ? chunk.replace(/\n$/, '') : readable(JSON.parse(chunk) as Record<string, unknown>)) },
    );
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.emit('info', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    // Nest passes (message, stack, context) for errors.
    const [first, ...rest] = optional;
    const stack = typeof first === 'string' && first.includes('\n') ? first : undefined;
    this.emit('error', message, stack === undefined ? optional : rest, stack);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.emit('warn', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.emit('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.emit('debug', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.emit('error', message, optional);
  }

  setLevel(level: LogLevelName): void {
    this.pino.level = level;
  }

  private emit(level: LogLevelName, message: unknown, optional: unknown[], stack?: string): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = typeof optional[optional.length - 1] === 'string' ? (optional[optional.length - 1] as string) : undefined;
    const entry: Record<string, unknown> = {};
    if (context) entry.context = context;
    // The request id (or correlation id) of the work this line belongs to; fields the caller passes win.
    const unitOfWork = currentLogContext();
    if (unitOfWork) Object.assign(entry, unitOfWork);
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.err = { name: message.name, stack: message.stack };
    } else if (message !== null && typeof message === 'object') {
      // An Error among the fields is written as its name and message, as pino writes `err`.
      for (const [key, value] of Object.entries(message)) entry[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
    } else {
      entry.msg = String(message);
    }
    if (stack) entry.stack = stack;
    this.pino[level](entry);
  }
}

function safeStringify(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields);
  } catch {
    return '{"note":"fields not serialisable"}';
  }
}

function readable(entry: Record<string, unknown>): string {
  const { t, level, context, msg, pid: _pid, hostname: _hostname, ...fields } = entry;
  const extra = Object.keys(fields).length > 0 ? ' ' + safeStringify(fields) : '';
  return `${String(t)} ${String(level).toUpperCase()} ${context ? `[${oneLine(String(context))}] ` : ''}${oneLine(String(msg ?? ''))}${extra}`;
}

/**
 * Control characters escaped as JSON writes them: a message can carry what a
 * client sent (an MQTT topic with a newline), which must not start a line of
 * its own that looks like another entry.
 */
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
