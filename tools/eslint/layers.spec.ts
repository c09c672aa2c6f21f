import path from 'node:path';
import type { ESLint } from 'eslint';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the rule is CommonJS so eslint.config.mjs and Jest both load it
const layers = require('./layers.cjs') as { layerOptions: Record<string, string[]>; plugin: ESLint.Plugin };

const root = path.resolve(__dirname, '..', '..');

function lint(file: string, code: string): string[] {
  const sut = new Linter({ cwd: root });
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser, sourceType: 'module' },
      plugins: { vulgraad: layers.plugin },
      rules: { 'vulgraad/layers': ['error', layers.layerOptions] },
    },
  ];
  return sut.verify(code, config, { filename: path.join(root, file) }).map((message) => message.message);
}

describe('vulgraad/layers', () => {
  describe('a pure lib', () => {
    it.each([
      ['libs/routing/src/solver.ts', "import { Injectable } from '@nestjs/common';"],
      ['libs/forecasting/src/learn.ts', "import { Pool } from 'pg';"],
      ['libs/payloads/src/read.ts', "import Redis from 'ioredis';"],
      ['libs/contracts/src/x.ts', "export { Queue } from 'bullmq';"],
      ['libs/distances/src/x.ts', "const mqtt = require('mqtt');"],
      ['libs/config/src/x.ts', "import type { Server } from 'socket.io';"],
    ])('%s fails on a framework or driver: %s', (file, code) => {
      expect(lint(file, code)).toEqual([expect.stringMatching(/must stay free of frameworks and drivers/)]);
    });

    it('fails on an adapter lib, by alias or by path', () => {
      expect(lint('libs/routing/src/x.ts', "import { Database } from '@vulgraad/database';")).toEqual([
        expect.stringMatching(/libs\/routing is pure TypeScript and must not depend on libs\/database/),
      ]);
      expect(lint('libs/forecasting/src/x.ts', "import { EventBus } from '../../events/src/event-bus';")).toEqual([
        expect.stringMatching(/must not depend on libs\/events/),
      ]);
    });

    it('may use Node, other pure libs and its own files', () => {
      const code = [
        "import { Worker } from 'node:worker_threads';",
        "import { DomainError } from '@vulgraad/contracts';",
        "import { parseMessage } from '../../payloads/src/parse-message';",
        "import { Rng } from './rng';",
      ].join('\n');
      expect(lint('libs/routing/src/x.ts', code)).toEqual([]);
    });
  });

  describe('a lib that is not an adapter', () => {
    it('fails on a framework but may use the database lib', () => {
      expect(lint('libs/alerts/src/x.ts', "import { Injectable } from '@nestjs/common';")).toHaveLength(1);
      expect(lint('libs/alerts/src/x.ts', "import { Database } from '@vulgraad/database';")).toEqual([]);
    });
  });

  it('lets the adapter libs use their drivers', () => {
    expect(lint('libs/database/src/x.ts', "import { Pool } from 'pg';")).toEqual([]);
    expect(lint('libs/runtime/src/x.ts', "import { Module } from '@nestjs/common';")).toEqual([]);
  });

  it('fails when any lib imports an app or a simulator', () => {
    expect(lint('libs/database/src/x.ts', "import { IngestModule } from '../../../apps/ingest/src';")).toEqual([
      expect.stringMatching(/A lib must not import from apps\/ingest/),
    ]);
    expect(lint('libs/alerts/src/x.ts', "import { City } from '@vulgraad/city-model';")).toEqual([
      expect.stringMatching(/A lib must not import from simulators\/city-model/),
    ]);
  });

  describe('an app', () => {
    it("fails on another app's private file", () => {
      expect(lint('apps/all-in-one/src/x.ts', "import { PlanningService } from '../../planner/src/planning.service';")).toEqual([
        expect.stringMatching(/Reach apps\/planner through its door, apps\/planner\/src\/index.ts/),
      ]);
      expect(lint('apps/all-in-one/src/demo/x.ts', "export * from '../../../cli/src/register';")).toHaveLength(1);
    });

    it("may use another app's door and its own files", () => {
      const code = [
        "import { PlannerModule } from '../../planner/src';",
        "import { GatewayModule } from '../../gateway/src/index';",
        "import { startEmbeddedBroker } from './embedded-broker';",
        "import { CONFIG } from '@vulgraad/contracts';",
        "import { Module } from '@nestjs/common';",
      ].join('\n');
      expect(lint('apps/all-in-one/src/x.ts', code)).toEqual([]);
    });
  });

  it('leaves tests, benchmarks and simulators alone', () => {
    expect(lint('test/planner/x.test.ts', "import { PlanningService } from '../../apps/planner/src/planning.service';")).toEqual([]);
    expect(lint('simulators/city/src/x.ts', "import mqtt from 'mqtt';")).toEqual([]);
  });
});
