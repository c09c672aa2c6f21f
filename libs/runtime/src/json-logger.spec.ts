import { JsonLogger } from './json-logger';
import { withLogContext } from './log-context';

describe(JsonLogger.name, () => {
  const capture = (level: 'debug' | 'info' | 'warn' | 'error' = 'info') => {
    const lines: string[] = [];
    const sut = new JsonLogger({ level, base: { service: 'ingest' }, write: (line) => lines.push(line) });
    return { sut, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  };

  it('writes one JSON object per entry with context and fields', () => {
    const { sut, entries } = capture();
    sut.log({ msg: 'batch committed', rows: 500 }, 'IngestPipeline');
    sut.log('plain text');
    expect(entries()).toMatchObject([
      { level: 'info', service: 'ingest', context: 'IngestPipeline', msg: 'batch committed', rows: 500 },
      { level: 'info', msg: 'plain text' },
    ]);
  });

  it('keeps a readable entry on one line whatever its message carries', () => {
    const lines: string[] = [];
    const sut = new JsonLogger({ json: false, write: (line) => lines.push(line) });
    sut.warn({ msg: 'MQTT publish refused: topic a/b\n2026-01-01T00:00:00.000Z INFO forged\u2028x\u0000', topic: 'a\nb' }, 'Broker\nX');
    expect(lines).toHaveLength(1);
    expect(['\n', '\r', '\u2028', '\u0000'].filter((c) => lines[0]!.includes(c))).toEqual([]);
    expect(lines[0]).toContain('[Broker\\nX] MQTT publish refused: topic a/b\\n2026-01-01T00:00:00.000Z INFO forged\\u2028x\\u0000');
  });

  it('keeps the stack Nest passes with errors and drops entries below the level', () => {
    const { sut, entries } = capture('warn');
    sut.log('hidden');
    sut.debug('hidden too');
    sut.error('write failed', 'Error: boom\n    at x', 'BatchWriter');
    expect(entries()).toEqual([expect.objectContaining({ level: 'error', msg: 'write failed', context: 'BatchWriter', stack: 'Error: boom\n    at x' })]);
  });

  it('adds the fields of the unit of work it runs in, also after an await', async () => {
    const { sut, entries } = capture();
    await withLogContext({ requestId: 'r-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      sut.log({ msg: 'inside' });
      sut.log({ msg: 'own field wins', requestId: 'mine' });
    });
    sut.log('outside');
    expect(entries()).toEqual([
      expect.objectContaining({ msg: 'inside', requestId: 'r-1' }),
      expect.objectContaining({ msg: 'own field wins', requestId: 'mine' }),
      expect.not.objectContaining({ requestId: expect.anything() }),
    ]);
  });

  it("carries pino's standard fields and an ISO time", () => {
    const { sut, entries } = capture();
    sut.log('up');
    const [entry] = entries();
    expect(entry).toMatchObject({ pid: process.pid, hostname: expect.any(String), level: 'info' });
    expect(new Date(entry?.t as string).toISOString()).toBe(entry?.t);
  });

  it('never writes a secret: passwords, tokens and authorization headers are redacted wherever they sit', () => {
    const { sut, entries } = capture();
    sut.log({ msg: 'login', username: 'anna', password: 'hunter2', token: 'eyJhbGciOi' }, 'Auth');
    sut.warn({ msg: 'webhook', webhook: { url: 'https://x', secret: 's3cr3t' }, req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } } });
    const text = JSON.stringify(entries());
    for (const secret of ['hunter2', 'eyJhbGciOi', 's3cr3t', 'Bearer abc', 'sid=1']) expect(text).not.toContain(secret);
    expect(entries()[0]).toMatchObject({ username: 'anna', password: '[redacted]', token: '[redacted]' });
    expect(entries()[1]).toMatchObject({ webhook: { url: 'https://x', secret: '[redacted]' }, req: { headers: { authorization: '[redacted]' } } });
  });

  it('writes an Error among the fields as its name and message, and reads as one line without JSON', () => {
    const { sut, entries } = capture();
    sut.warn({ msg: 'retry', err: new TypeError('bad input') });
    expect(entries()[0]).toMatchObject({ err: { name: 'TypeError', message: 'bad input' } });
    const lines: string[] = [];
    new JsonLogger({ json: false, write: (line) => lines.push(line) }).log({ msg: 'batch committed', rows: 5 }, 'IngestPipeline');
    expect(lines).toEqual([expect.stringMatching(/^\S+Z INFO \[IngestPipeline\] batch committed \{"rows":5\}$/)]);
  });
});
