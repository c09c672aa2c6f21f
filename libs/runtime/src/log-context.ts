import { AsyncLocalStorage } from 'node:async_hooks';

/** Fields every log line written inside one unit of work carries (an HTTP request's id, a message's correlation id). */
export type LogContext = Readonly<Record<string, string>>;

const storage = new AsyncLocalStorage<LogContext>();

/** Runs fn with these fields added to every log line written while it runs, including its asynchronous continuations. */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...fields } : fields, fn);
}

/** The fields of the unit of work running now, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
