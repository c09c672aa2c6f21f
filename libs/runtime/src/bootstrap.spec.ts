import { Controller, Get, Module } from '@nestjs/common';
import { ConfigError, loadConfig, type Config } from '@vulgraad/config';
import { bootstrapProcess, EXIT_CONFIG, EXIT_INTERRUPTED, type ProcessHost, type RunningProcess, startNestApp } from './bootstrap';
import { JsonLogger } from './json-logger';

/** A process host that records instead of exiting. */
function fakeHost() {
  const exits: number[] = [];
  const errors: string[] = [];
  const handlers = new Map<NodeJS.Signals, (signal: NodeJS.Signals) => void>();
  const host: ProcessHost = {
    exit: (code) => void exits.push(code),
    stderr: (text) => void errors.push(text),
    onSignal: (signal, handler) => void handlers.set(signal, handler),
  };
  const signal = (name: NodeJS.Signals): void => handlers.get(name)?.(name);
  return { host, exits, errors, signal };
}

const config: Config = loadConfig({ LOG_LEVEL: 'error' });
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(bootstrapProcess.name, () => {
  it('prints every bad variable of a configuration that does not validate and exits 2 without starting', async () => {
    const { host, exits, errors } = fakeHost();
    const start = jest.fn();
    await bootstrapProcess({ service: 'ingest', loadConfig: () => { throw new ConfigError(['DATABASE_URL: not a URL', 'INGEST_PORT: not a port']); }, start }, host);
    expect(exits).toEqual([EXIT_CONFIG]);
    expect(errors.join('')).toBe('Invalid configuration:\n  - DATABASE_URL: not a URL\n  - INGEST_PORT: not a port\n');
    expect(start).not.toHaveBeenCalled();
  });

  it('names the process and the reason when the start fails, and exits 1', async () => {
    const { host, exits, errors } = fakeHost();
    await bootstrapProcess({ service: 'planner', loadConfig: () => config, start: () => Promise.reject(new Error('port 3002 is taken')) }, host);
    expect(exits).toEqual([1]);
    expect(errors.join('')).toMatch(/^planner failed to start: Error: port 3002 is taken/);
  });

  it('closes on the first SIGTERM and exits 0 when everything stopped cleanly', async () => {
    const { host, exits, signal } = fakeHost();
    const lines: string[] = [];
    const close = jest.fn(async () => []);
    const ready = jest.fn();
    await bootstrapProcess({ service: 'alerts', loadConfig: () => config, start: async () => ({ close }), ready, say: (l) => lines.push(l), stoppingNote: 'draining' }, host);
    expect(ready).toHaveBeenCalledTimes(1);
    signal('SIGTERM');
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(lines).toEqual(['SIGTERM: stopping (draining)', 'stopped']);
    expect(exits).toEqual([0]);
  });

  it('reports what did not stop cleanly and exits 1', async () => {
    const { host, exits, errors, signal } = fakeHost();
    await bootstrapProcess({ service: 'x', loadConfig: () => config, start: async () => ({ close: async () => ['solver did not stop within 20 s'] }), say: () => undefined }, host);
    signal('SIGINT');
    await settle();
    expect(errors).toEqual(['solver did not stop within 20 s\n']);
    expect(exits).toEqual([1]);
  });

  it('waits for a start in progress before closing, never calls it ready, and exits at once on a second signal', async () => {
    const { host, exits, signal } = fakeHost();
    let started: (running: RunningProcess) => void = () => undefined;
    const close = jest.fn(() => new Promise<void>(() => undefined));
    const ready = jest.fn();
    const running = bootstrapProcess(
      { service: 'x', loadConfig: () => config, start: () => new Promise<RunningProcess>((resolve) => (started = resolve)), ready, say: () => undefined },
      host,
    );
    signal('SIGTERM');
    await settle();
    expect(close).not.toHaveBeenCalled();
    started({ close });
    await running;
    await settle();
    expect(close).toHaveBeenCalledTimes(1);
    expect(ready).not.toHaveBeenCalled();
    signal('SIGINT');
    expect(exits).toEqual([EXIT_INTERRUPTED]);
  });
});

describe(startNestApp.name, () => {
  @Controller('ping')
  class PingController {
    @Get()
    ping(): string {
      return 'pong';
    }
  }
  @Module({ controllers: [PingController] })
  class PingModule {}

  it('listens on the port it is given and logs "<service> listening" with the port bound', async () => {
    const logger = new JsonLogger({ level: 'error' });
    const log = jest.spyOn(logger, 'log');
    const sut = await startNestApp(PingModule, { service: 'ping', config: { ...config, core: { ...config.core, httpHost: '127.0.0.1' } }, logger, port: 0 });
    try {
      const entry = log.mock.calls.map(([message]) => message as { msg?: string; port?: number }).find((m) => m.msg === 'ping listening');
      expect(entry?.port).toEqual(expect.any(Number));
      const res = await fetch(`http://127.0.0.1:${entry?.port}/ping`);
      expect(await res.text()).toBe('pong');
    } finally {
      await sut.close();
    }
  });
});
