import type { LoggerService } from '@nestjs/common';
import { currentLogContext } from './log-context';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface JsonLoggerOptions {
  level?: LogLevelName;
  /** false = one readable line per entry instead of JSON. */
  json?: boolean;
  /** Fields added to every entry (service name, replica). */
  base?: Record<string, unknown>;
  write?: (line: string) => void;
}

/**
 * Structured logs, one JSON object per line on stdout: time, level, context,
 * msg and any fields. Pass an object as the message to log fields:
 * `logger.log({ msg: 'batch committed', rows: 500 }, 'IngestPipeline')`.
 * Used as the Nest application logger, so `new Logger(Context)` writes here.
 * Lines written inside `withLogContext` (an HTTP request) carry its fields,
 * e.g. `requestId`.
 */
export class JsonLogger implements LoggerService {
  private level: number;
  private readonly json: boolean;
  private readonly base: Record<string, unknown>;
  private readonly write: (line: string) => void;

  constructor(options: JsonLoggerOptions = {}) {
    this.level = RANK[options.level ?? 'info'];
    this.json = options.json ?? true;
    this.base = options.base ?? {};
    this.write = options.write ?? ((line) => process.stdout.write(line + '\n'));
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
    this.level = RANK[level];
  }

  private emit(level: LogLevelName, message: unknown, optional: unknown[], stack?: string): void {
    if (RANK[level] < this.level) return;
    const context = typeof optional[optional.length - 1] === 'string' ? (optional[optional.length - 1] as string) : undefined;
    const entry: Record<string, unknown> = { t: new Date().toISOString(), level, ...this.base };
    if (context) entry.context = context;
    // The request id (or correlation id) of the work this line belongs to; fields the caller passes win.
    const unitOfWork = currentLogContext();
    if (unitOfWork) Object.assign(entry, unitOfWork);
    if (message instanceof Error) {
      entry.msg = message.message;
      entry.err = { name: message.name, stack: message.stack };
    } else if (message !== null && typeof message === 'object') {
      Object.assign(entry, message);
    } else {
      entry.msg = String(message);
    }
    if (stack) entry.stack = stack;
    this.write(this.json ? safeStringify(entry) : readable(entry));
  }
}

function safeStringify(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value));
  } catch {
    return JSON.stringify({ t: entry.t, level: entry.level, context: entry.context, msg: String(entry.msg), note: 'fields not serialisable' });
  }
}

function readable(entry: Record<string, unknown>): string {
  const { t, level, context, msg, ...fields } = entry;
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
