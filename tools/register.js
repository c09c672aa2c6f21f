// Runs TypeScript sources directly: swc transpiles them (decorator metadata
// included, which NestJS needs) and the path aliases of tsconfig.base.json
// resolve to the libs. Loaded with `node -r ./tools/register.js`.
'use strict';
const path = require('node:path');
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
