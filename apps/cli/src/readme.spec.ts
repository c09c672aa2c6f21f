import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describeConfig } from '@vulgraad/config';
import { configTables } from './main';

describe('README configuration tables', () => {
  it('list every environment variable of every service with its default', () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const missing = configTables()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .filter((line) => !readme.includes(line));
    // When this fails: run `npm run cli -- config` and paste its tables into the README's Configuration section.
    expect(missing).toEqual([]);
    expect(describeConfig().length).toBeGreaterThan(10);
  });
});
