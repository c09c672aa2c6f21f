// Entry of the solver's process. Built output runs the compiled process;
// from sources (tests, `node -r ./tools/register.js`) the TypeScript is
// loaded through swc, registering it unless the process already did.
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const compiled = path.join(__dirname, 'solver-process.js');
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  if (!require.extensions['.ts']) require(path.join(__dirname, '..', '..', '..', '..', 'tools', 'register.js'));
  require('./solver-process.ts');
}
