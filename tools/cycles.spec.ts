import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- madge ships CommonJS without typings
const madge = require('madge') as (root: string, options: Record<string, unknown>) => Promise<{ circular(): string[][] }>;

// `npm run lint:cycles` runs madge over apps, libs and simulators with the
// TypeScript paths; this shows why the paths matter: two files that import
// each other through @vulgraad-style aliases form a cycle madge only sees with them.
describe('the cycle check', () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'vulgraad-cycles-'));
    const paths = { '@fixture/a': ['./a.ts'], '@fixture/b': ['./b.ts'] };
    // madge resolves paths without a baseUrl from the working directory (the
    // repository root for `npm run lint:cycles`); this folder is elsewhere.
    writeFileSync(path.join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions: { baseUrl: '.', paths } }));
    writeFileSync(path.join(folder, 'a.ts'), "import { b } from '@fixture/b';\nexport const a = (): number => b() + 1;\n");
    writeFileSync(path.join(folder, 'b.ts'), "import { a } from '@fixture/a';\nexport const b = (): number => a() - 1;\n");
  });

  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('finds a cycle through path aliases when given the TypeScript configuration', async () => {
    const sut = await madge(folder, { fileExtensions: ['ts'], tsConfig: path.join(folder, 'tsconfig.json') });
    expect(sut.circular()).toEqual([['a.ts', 'b.ts']]);
  });

  it('misses the same cycle without it, which is why the lint script passes --ts-config', async () => {
    const sut = await madge(folder, { fileExtensions: ['ts'] });
    expect(sut.circular()).toEqual([]);
  });
});
