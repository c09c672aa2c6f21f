import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@vulgraad/config';
import { configTables } from './main';

describe('configuration tables of docs/configuration.md', () => {
  it('list every environment variable of every service with its default', () => {
    const doc = readFileSync(path.resolve(__dirname, '..', '..', '..', 'docs', 'configuration.md'), 'utf8');
    const missing = configTables()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .filter((line) => !doc.includes(line));
    // When this fails: run `npm run cli -- config` and paste its tables into docs/configuration.md.
    expect(missing).toEqual([]);
    expect(describeConfig().length).toBeGreaterThan(10);
  });
});
