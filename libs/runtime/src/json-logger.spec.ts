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
});
