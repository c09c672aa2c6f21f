#!/usr/bin/env node
// Second half of `npm run build`, after `tsc -p tsconfig.build.json` has
// compiled apps, libs and simulators into dist/ (or the folder given as the
// first argument): copies what the compiled code reads from beside itself
// (the dashboard, the demo city, the migrations, the solver's entries)
// and makes `@vulgraad/*` resolvable there. tsc keeps those import names as
// they are; a small package per name under dist/node_modules points Node at
// the compiled index of the lib, so the compiled processes run on plain
// `node`, without swc and without a path-mapping hook.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.resolve(process.argv[2] ?? path.join(root, 'dist'));

function copy(from, to) {
  fs.cpSync(path.join(root, from), path.join(out, to ?? from), { recursive: true });
}

copy('apps/gateway/public');
copy('apps/all-in-one/demo-data');
copy('libs/routing/src/worker/worker-entry.js');
copy('libs/routing/src/worker/solver-process-entry.js');
// libs/database/src/migrate.ts looks for them three folders above itself: dist/migrations.
copy('migrations');

const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  const compiled = path.join(out, target.replace(/\.ts$/, '.js'));
  if (!fs.existsSync(compiled)) throw new Error(`${alias}: ${path.relative(root, compiled)} was not built; run tsc -p tsconfig.build.json first`);
  const dir = path.join(out, 'node_modules', ...alias.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  const relative = path.relative(dir, compiled).split(path.sep).join('/');
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: alias, private: true, main: 'index.js' }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'index.js'), `'use strict';\nmodule.exports = require('${relative}');\n`);
}
console.log(`built ${path.relative(process.cwd(), out) || '.'}`);
