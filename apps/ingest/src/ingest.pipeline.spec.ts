import { chooseWriteStrategy, SMALL_BATCH_ROWS } from './ingest.pipeline';

describe(chooseWriteStrategy.name, () => {
  it('writes a small batch in one statement, whatever is configured', () => {
    for (const configured of ['copy', 'staging', 'unnest'] as const) expect(chooseWriteStrategy(configured, SMALL_BATCH_ROWS - 1, false)).toBe('unnest');
  });

  it('keeps the configured strategy for a full batch, and COPY goes the staging way while redelivery lasts', () => {
    expect(chooseWriteStrategy('copy', 5000, false)).toBe('copy');
    expect(chooseWriteStrategy('copy', 5000, true)).toBe('staging');
    expect(chooseWriteStrategy('staging', 5000, false)).toBe('staging');
    expect(chooseWriteStrategy('unnest', SMALL_BATCH_ROWS, true)).toBe('unnest');
  });
});
