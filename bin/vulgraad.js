#!/usr/bin/env node
// The `vulgraad` command (package.json "bin"): the registration and
// administration command line of apps/cli, run from the TypeScript sources
// through swc as the npm scripts are.
'use strict';
require('../tools/register.js');
const { main } = require('../apps/cli/src/main.ts');

void main(process.argv.slice(2));
