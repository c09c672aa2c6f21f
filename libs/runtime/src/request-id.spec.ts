import { EventEmitter } from 'node:events';
import { currentLogContext } from './log-context';
import { REQUEST_ID_HEADER, requestIdMiddleware, requestIdOf } from './request-id';

describe(requestIdMiddleware.name, () => {
  const run = (headers: Record<string, string>, url = '/api/containers?x=1') => {
    const logged: Array<{ level: string; line: Record<string, unknown> }> = [];
    const sut = requestIdMiddleware({ log: (line: Record<string, unknown>) => void logged.push({ level: 'info', line }), debug: (line: Record<string, unknown>) => void logged.push({ level: 'debug', line }) });
    const res = Object.assign(new EventEmitter(), { statusCode: 200, headers: {} as Record<string, string>, setHeader(name: string, value: string) { this.headers[name] = value; } });
    let seen: ReturnType<typeof currentLogContext>;
    sut({ method: 'GET', url, headers }, res, () => {
      seen = currentLogContext();
    });
    res.emit('finish');
    return { res, logged, seen: seen! };
  };

  it('keeps a sane id from the caller, echoes it and runs the request in its log context', () => {
    const { res, logged, seen } = run({ [REQUEST_ID_HEADER]: 'abc-123' });
    expect(res.headers[REQUEST_ID_HEADER]).toBe('abc-123');
    expect(seen).toEqual({ requestId: 'abc-123' });
    expect(logged).toEqual([{ level: 'info', line: expect.objectContaining({ msg: 'http request', requestId: 'abc-123', method: 'GET', path: '/api/containers', status: 200 }) }]);
  });

  it('makes a new id when the caller sends none or one that does not belong in a log line', () => {
    expect(run({}).res.headers[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdOf('line\nbreak')).not.toBe('line\nbreak');
    expect(requestIdOf('x'.repeat(129))).toHaveLength(36);
  });

  it('writes probes and scrapes at debug', () => {
    expect(run({}, '/internal/ingest/health/ready').logged[0]?.level).toBe('debug');
    expect(run({}, '/metrics').logged[0]?.level).toBe('debug');
  });
});
