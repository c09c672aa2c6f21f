import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Module } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Config } from '@vulgraad/config';
import { systemClock, type Clock } from '@vulgraad/contracts';
import { createDatabase, migrate, ReadingsMaintenance, type Database } from '@vulgraad/database';
import { createEventBus, type EventBus } from '@vulgraad/events';
import { PlansRepository } from '@vulgraad/planning';
import { SolverWorker } from '@vulgraad/routing';
import { CoreModule, JsonLogger } from '@vulgraad/runtime';
import { MqttSink, type UplinkMessage, type UplinkSink } from '@vulgraad/sensor-simulator';
import { createBrokerAuth, generateSecret, MqttAccountsRepository } from '@vulgraad/security';
import { AlertsModule } from '../../alerts/src';
import { configureGateway, GatewayModule } from '../../gateway/src';
import { HttpIngestModule, HttpIngestService, INGEST_PORT, IngestModule, type IngestPort, serveUplinkDoorsFirst } from '../../ingest/src';
import { PLANNER_PORT, PlannerModule, type PlannerPort } from '../../planner/src';
import { chooseDemoCity, configForDemo, prepareDemoCity, type DemoCity, type DemoCityChoice } from './demo/demo-city';
import { injectDemoFaults, type InjectedFault } from './demo/demo-faults';
import { DemoFleet } from './demo/demo-fleet';
import { MqttTruckRadio } from './demo/truck-radio';
import { DemoPlanningCadence } from './demo/demo-planning';
import { SimulatedPace } from './demo/simulated-pace';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';

/** Longest the simulated clock waits at a shift's start for its plans (wall time). */
const MAX_PLAN_HOLD_MS = 45_000;
/** Wall time between two steps of the simulated clock. */
const PACE_STEP_MS = 200;
/** Wall time after start-up before the first readings maintenance run. */
const MAINTENANCE_DELAY_MS = 60_000;
/** Longest wait for one part to stop. */
const CLOSE_TIMEOUT_MS = 20_000;

/** How one start went, step by step, for the banner and the start-up figures. */
export interface StartupReport {
  /** Seconds per step, in order. */
  steps: Array<{ step: string; seconds: number }>;
  totalSeconds: number;
  /** The embedded database folder did not exist before this start. */
  coldDatabase: boolean;
}

/** The running system. */
export interface AllInOne {
  url: string;
  mqttUrl: string;
  database: { kind: Database['kind']; where: string; timescale: boolean };
  jobs: 'in-process' | 'bullmq';
  events: 'in-process' | 'redis';
  demo: (Pick<DemoCity, 'city' | 'start' | 'resumedContainers' | 'registered'> & { faults: InjectedFault[]; speed: number }) | null;
  startup: StartupReport;
  /**
   * Stops everything in order: simulator, trucks, the apps (the ingest commits what it holds), solver,
   * bus, database, broker. Resolves with what did not stop cleanly (empty when all did).
   */
  close(): Promise<string[]>;
}

export interface StartOptions {
  /** Progress lines while starting (the main prints them). */
  progress?: (line: string) => void;
}

/**
 * Everything in one process. Each part is embedded unless configured:
 * aedes when MQTT_URL is unset, PGlite with TimescaleDB in PGLITE_DATA_DIR
 * when DATABASE_URL is unset, the in-process job runner, event bus and
 * socket.io adapter when REDIS_URL is unset. The ingest, planner, alerts and
 * gateway modules share one database, bus and clock in one Nest application
 * (their health endpoints under /internal/...). With DEMO_SIMULATOR the demo
 * city's sensors publish over MQTT on a simulated clock that the whole
 * process shares, simulated trucks drive the plans, and plans are made on
 * that clock.
 */
export async function startAllInOne(given: Config, options: StartOptions = {}): Promise<AllInOne> {
  // The demo city comes with its own road graph and base map, used where nothing else is configured.
  const demoChoice = given.allInOne.simulator ? chooseDemoCity(given) : null;
  const config = configForDemo(given, demoChoice);
  const logger = new JsonLogger({ level: config.core.logLevel, json: config.core.logJson, base: { service: 'all-in-one' } });
  const start: Start = {
    config,
    logger,
    progress: options.progress ?? (() => undefined),
    problem: (message) => logger.warn({ msg: message }, 'AllInOne'),
    parts: new OpenParts(logger),
  };
  const timer = new StartupTimer();
  try {
    const logins: BrokerLogins = { registry: null };
    const { mqttUrl, runConfig } = await openBroker(start, logins);
    timer.step('broker');
    const { db, dataDir, coldDatabase } = await openDatabase(start);
    logins.registry = new MqttAccountsRepository(db);
    timer.step('database open');
    await migrateDatabase(start, db);
    timer.step('migrations');
    const bus = openEventBus(start);
    const demo = config.allInOne.simulator && demoChoice ? await prepareDemo(start, db, mqttUrl, runConfig, demoChoice) : null;
    timer.step('demo city');
    const clock: Clock = demo?.simulator.clock ?? systemClock;
    const app = await startApplications(start, { runConfig, db, bus, clock, demo: demo !== null });
    const url = await listenAt(start, app);
    timer.step('applications');
    const faults = demo ? await runDemo(start, { app, db, bus, clock, demo, mqttUrl, runConfig }) : [];
    timer.step('simulator');
    scheduleMaintenance(start, db);

    return {
      url,
      mqttUrl,
      database: { kind: db.kind, where: config.core.databaseUrl ? 'DATABASE_URL' : dataDir, timescale: db.hasTimescale },
      jobs: config.core.redisUrl ? 'bullmq' : 'in-process',
      events: config.core.redisUrl ? 'redis' : 'in-process',
      demo: demo ? { city: demo.city, start: demo.start, resumedContainers: demo.resumedContainers, registered: demo.registered, faults, speed: config.allInOne.speed } : null,
      startup: { steps: timer.steps, totalSeconds: timer.totalSeconds(), coldDatabase },
      close: () => start.parts.closeAll(),
    };
  } catch (error) {
    for (const problem of await start.parts.closeAll()) logger.warn({ msg: problem }, 'AllInOne');
    throw error;
  }
}

/** What every start-up step shares. */
interface Start {
  config: Config;
  logger: JsonLogger;
  progress: (line: string) => void;
  problem: (message: string) => void;
  parts: OpenParts;
}

/** The device registry the embedded broker checks logins against, once the database is open. */
interface BrokerLogins {
  registry: MqttAccountsRepository | null;
}

/** Seconds per start-up step, in order. */
class StartupTimer {
  readonly steps: StartupReport['steps'] = [];
  private readonly began = performance.now();
  private mark = this.began;

  step(name: string): void {
    const now = performance.now();
    this.steps.push({ step: name, seconds: round1((now - this.mark) / 1000) });
    this.mark = now;
  }

  totalSeconds(): number {
    return round1((performance.now() - this.began) / 1000);
  }
}

/** The parts opened so far, closed in reverse order; a part that does not stop in time is left behind so the database still closes cleanly. */
class OpenParts {
  private readonly closers: Array<{ name: string; close: () => Promise<unknown> }> = [];

  constructor(private readonly logger: JsonLogger) {}

  add(name: string, close: () => Promise<unknown>): void {
    this.closers.push({ name, close });
  }

  /** Closes everything opened so far; resolves with what did not stop cleanly. */
  async closeAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const { name, close } of this.closers.splice(0).reverse()) {
      this.logger.log({ msg: `closing ${name}` }, 'AllInOne');
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
      });
      const outcome = await Promise.race([close().then(() => 'closed' as const), timedOut]).catch((error: unknown) => {
        problems.push(`closing ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
        return 'failed' as const;
      });
      clearTimeout(timer);
      if (outcome === 'timeout') problems.push(`${name} did not stop within ${CLOSE_TIMEOUT_MS / 1000} s`);
    }
    return problems;
  }
}

/**
 * The embedded broker when MQTT_URL is unset (device logins checked against
 * the registry unless EMBEDDED_MQTT_AUTH=false), and the configuration the
 * apps run with: the port actually bound and the process's own service login.
 */
async function openBroker({ config, logger, progress, parts }: Start, logins: BrokerLogins): Promise<{ mqttUrl: string; runConfig: Config }> {
  let mqttUrl = config.core.mqttUrl;
  let broker: EmbeddedBroker | null = null;
  // The embedded broker's logins come from the device registry once the database is open; the process's own ingest and simulator use the service login.
  const embeddedAuth = !mqttUrl && config.security.embeddedMqttAuth;
  const serviceLogin = embeddedAuth ? { username: config.core.mqttUsername ?? 'vulgraad-all-in-one', password: config.core.mqttPassword ?? generateSecret() } : null;
  if (!mqttUrl) {
    const auth = serviceLogin
      ? createBrokerAuth({
          lookup: (username) => (logins.registry ? logins.registry.find(username) : Promise.reject(new Error('the database is not open yet'))),
          service: serviceLogin,
          topicPrefix: config.ingest.topicPrefix,
          onRefused: (refusal) => logger.warn({ msg: `MQTT ${refusal.action} refused: ${refusal.reason}`, clientId: refusal.clientId, username: refusal.username, topic: refusal.topic }, 'EmbeddedBroker'),
        })
      : undefined;
    broker = await startEmbeddedBroker({
      host: config.core.httpHost,
      port: config.core.embeddedMqttPort,
      auth,
      maxPacketBytes: config.security.embeddedMqttMaxPacketBytes,
      onPacketTooLarge: (remoteAddress, packetBytes) =>
        logger.warn({ msg: `MQTT client disconnected: a packet of ${packetBytes} bytes is over EMBEDDED_MQTT_MAX_PACKET_BYTES (${config.security.embeddedMqttMaxPacketBytes})`, remoteAddress }, 'EmbeddedBroker'),
      onClientError: (clientId, error) => logger.debug({ msg: 'MQTT client error', clientId, err: error.message }, 'EmbeddedBroker'),
    });
    const started = broker;
    parts.add('MQTT broker', () => started.close());
    mqttUrl = broker.url;
    progress(`MQTT broker (embedded aedes, MQTT 3.1.1) on ${broker.url}${serviceLogin ? ', devices log in with their own secret' : ', anyone may publish (EMBEDDED_MQTT_AUTH=false)'}`);
  } else {
    progress(`MQTT broker ${mqttUrl}`);
  }
  // The ingest reaches the embedded broker through EMBEDDED_MQTT_PORT: hand it the port actually bound (0 = any), and the service login.
  const runConfig: Config = broker
    ? { ...config, core: { ...config.core, embeddedMqttPort: broker.port, ...(serviceLogin ? { mqttUsername: serviceLogin.username, mqttPassword: serviceLogin.password } : {}) } }
    : config;
  return { mqttUrl, runConfig };
}

/** PostgreSQL at DATABASE_URL, or the embedded PGlite in PGLITE_DATA_DIR. */
async function openDatabase({ config, progress, problem, parts }: Start): Promise<{ db: Database; dataDir: string; coldDatabase: boolean }> {
  const dataDir = path.resolve(config.core.pgliteDataDir);
  const coldDatabase = !config.core.databaseUrl && !existsSync(path.join(dataDir, 'PG_VERSION'));
  progress(
    config.core.databaseUrl
      ? 'database: PostgreSQL at DATABASE_URL'
      : `database: embedded PGlite with TimescaleDB in ${dataDir}${coldDatabase ? ' (new: creating it takes a little while)' : ''}`,
  );
  const db = await createDatabase({ databaseUrl: config.core.databaseUrl, pgliteDataDir: dataDir, poolSize: config.database.poolSize, onError: (error) => problem(`idle database connection failed: ${error.message}`) });
  parts.add('database', () => db.close());
  return { db, dataDir, coldDatabase };
}

async function migrateDatabase({ config, progress }: Start, db: Database): Promise<void> {
  if (!config.database.migrateOnStart) return;
  const result = await migrate(db, { timescale: config.database.timescale });
  if (result.applied.length > 0) progress(`database: ${result.applied.length} migrations applied (${result.variant} readings)`);
}

/** Redis pub/sub at REDIS_URL, or the in-process bus. */
function openEventBus({ config, problem, parts }: Start): EventBus {
  const bus: EventBus = createEventBus(config.core.redisUrl, config.core.eventsRedisPrefix, (error) => problem(`event bus: ${error instanceof Error ? error.message : String(error)}`));
  parts.add('event bus', () => bus.close());
  return bus;
}

/** The demo city registered (or resumed from its stored readings), its sensors connected to the broker but not yet publishing. */
async function prepareDemo({ config, progress, problem, parts }: Start, db: Database, mqttUrl: string, runConfig: Config, demoChoice: DemoCityChoice): Promise<DemoCity> {
  const mqtt = await MqttSink.connect({ url: mqttUrl, username: runConfig.core.mqttUsername ?? undefined, password: runConfig.core.mqttPassword ?? undefined, qos: 1 });
  const sink: UplinkSink = config.ingest.topicPrefix ? new PrefixedSink(mqtt, config.ingest.topicPrefix) : mqtt;
  parts.add('simulator MQTT connection', () => sink.close());
  const demo = await prepareDemoCity(db, config, demoChoice.city, sink, problem);
  const r = demo.registered;
  progress(
    r.containers > 0
      ? `demo city ${demo.city.name}: registered ${r.containers} containers with sensors, ${r.vehicles} trucks, depot and disposal sites`
      : `demo city ${demo.city.name}: ${demo.city.containers.length} containers, continuing from ${demo.start.toISOString()} (${demo.resumedContainers} with stored readings)`,
  );
  if (demoChoice.roadGraph && config.distances.roadGraph === demoChoice.roadGraph) progress(`demo roads: plans follow the streets of ${path.relative(process.cwd(), demoChoice.roadGraph) || demoChoice.roadGraph} (© OpenStreetMap contributors, ODbL)`);
  return demo;
}

/**
 * The ingest, planner, alerts and gateway modules in one Nest application,
 * composed through each app's door, on the shared database, bus and clock.
 */
async function startApplications(
  { parts, logger }: Start,
  shared: { runConfig: Config; db: Database; bus: EventBus; clock: Clock; demo: boolean },
): Promise<NestExpressApplication> {
  const { runConfig, db, bus, clock, demo } = shared;
  // Started now, so the solver's process loads while the applications do.
  const solver = new SolverWorker();
  solver.warmUp();
  parts.add('solver', () => solver.close());

  @Module({
    imports: [
      // Readings maintenance (TimescaleDB policy jobs in PGlite) starts after the first minute, off the start-up path: see scheduleMaintenance.
      CoreModule.forRoot({ config: runConfig, database: db, eventBus: bus, clock, maintenance: false }),
      IngestModule,
      HttpIngestModule,
      // With the simulator the plans follow the simulated clock (DemoPlanningCadence), not the wall-clock daily schedule.
      PlannerModule.forRoot({ solve: solver.solve, schedules: !demo }),
      AlertsModule,
      GatewayModule,
      RouterModule.register([
        { path: 'internal/ingest', module: IngestModule },
        { path: 'internal/planner', module: PlannerModule },
        { path: 'internal', module: AlertsModule },
      ]),
    ],
  })
  class AllInOneModule {}

  const app = await NestFactory.create<NestExpressApplication>(AllInOneModule, { logger, bufferLogs: true, bodyParser: false, abortOnError: false });
  // First, before the framework, the gateway's middleware and body parsers: the ingest's HTTP uplinks are read raw and answered there.
  serveUplinkDoorsFirst(app.getHttpServer(), app.get(HttpIngestService), runConfig.ingest.maxPayloadBytes);
  configureGateway(app, runConfig, { shutdownHooks: false });
  parts.add('applications', () => app.close());
  // Runs after the simulator has stopped: what the broker still holds for the ingest is taken in and committed first.
  const ingest = app.get<IngestPort>(INGEST_PORT);
  parts.add('readings in flight', () => settle(ingest));
  return app;
}

/** Listens on GATEWAY_PORT and answers with the dashboard's address. */
async function listenAt({ config }: Start, app: NestExpressApplication): Promise<string> {
  await listen(app, config.gateway.port, config.core.httpHost);
  const address = app.getHttpServer().address() as { address: string; port: number };
  const host = ['0.0.0.0', '::'].includes(config.core.httpHost) ? '127.0.0.1' : config.core.httpHost;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/`;
}

/**
 * Sets the demo going: the sensors publish on the simulated clock, whose
 * pace holds at a shift's start until its plans are out; plans are asked of
 * the planner's port on that clock; simulated trucks drive them. Answers with
 * the faults injected into the sensors.
 */
async function runDemo(
  { config, logger, problem, parts }: Start,
  running: { app: NestExpressApplication; db: Database; bus: EventBus; clock: Clock; demo: DemoCity; mqttUrl: string; runConfig: Config },
): Promise<InjectedFault[]> {
  const { app, db, bus, clock, demo } = running;
  const simulator = demo.simulator;
  const planner = app.get<PlannerPort>(PLANNER_PORT);
  // The trucks report their positions and lifts over MQTT, as real ones would, so the map and the proof of service see them drive.
  const radio = config.allInOne.fleet
    ? await MqttTruckRadio.connect({ url: running.mqttUrl, username: running.runConfig.core.mqttUsername ?? undefined, password: running.runConfig.core.mqttPassword ?? undefined, topicPrefix: config.ingest.topicPrefix })
    : null;
  if (radio) parts.add('demo trucks MQTT connection', () => radio.close());
  const fleet = new DemoFleet(new PlansRepository(db), bus, clock, (containerId, atMs) => fillSeen(demo, containerId, atMs), problem, radio);
  const cadence = new DemoPlanningCadence(planner, clock, problem);
  const pace = new SimulatedPace(simulator.clock, {
    targetSpeed: config.allInOne.speed,
    readingIntervalMs: config.allInOne.sensorIntervalMin * 60_000,
    holdAt: () => cadence.holdAt(),
    maxHoldMs: MAX_PLAN_HOLD_MS,
    onChange: ({ speed, reason }) => logger.log({ msg: `simulated clock at ${Math.round(speed)}x: ${reason}` }, 'SimulatedPace'),
  });
  const unsubscribe = [
    await bus.subscribe('driver.feedback', simulator.handleDriverFeedback),
    await bus.subscribe('container.state', (state) => pace.noteReading(state.measuredAt)),
    await bus.subscribe('plan.published', (plan) => cadence.notePublished(plan)),
    ...(config.allInOne.fleet ? [await bus.subscribe('plan.published', fleet.onPlanPublished)] : []),
  ];
  if (config.allInOne.fleet) {
    // Plans of the shift in hand made before a restart are driven too.
    for (const plan of await planner.todaysPlans()) fleet.follow(plan);
  }
  const faults = config.allInOne.faults ? injectDemoFaults(simulator) : [];
  simulator.start(config.allInOne.speed);
  // The pace moves the simulator's clock from here on, in bounded steps.
  pace.start();
  parts.add('sensor simulator', () => simulator.stop());
  if (config.allInOne.fleet) {
    fleet.start();
    parts.add('demo trucks', () => fleet.stop());
  }
  // The first plans wait until every sensor has reported once (one interval of simulated time), unless the city has history.
  const firstPlanInMs = demo.resumedContainers > 0 ? 500 : Math.ceil((config.allInOne.sensorIntervalMin * 60_000) / config.allInOne.speed) + 1500;
  cadence.start(firstPlanInMs);
  parts.add('planning cadence', () => cadence.stop());
  const paceTimer = setInterval(() => pace.tick(), PACE_STEP_MS);
  paceTimer.unref();
  parts.add('simulated pace', async () => clearInterval(paceTimer));
  parts.add('event subscriptions', () => Promise.allSettled(unsubscribe.map((off) => off())));
  return faults;
}

/** Readings maintenance a minute after start-up: its first run refreshes every continuous aggregate, which holds the embedded database's one connection for seconds. */
function scheduleMaintenance({ config, problem, parts }: Start, db: Database): void {
  if (config.database.maintenanceIntervalS <= 0) return;
  const maintenance = new ReadingsMaintenance(db, { rejectedRetentionDays: config.database.rejectedRetentionDays, positionRetentionDays: config.database.positionRetentionDays, onError: (error) => problem(`readings maintenance failed: ${error instanceof Error ? error.message : String(error)}`) });
  const delay = setTimeout(() => maintenance.start(config.database.maintenanceIntervalS * 1000), MAINTENANCE_DELAY_MS);
  delay.unref();
  parts.add('readings maintenance', async () => {
    clearTimeout(delay);
    await maintenance.stop();
  });
}

/** Waits until the ingest has held nothing for a moment (at most a few seconds). */
async function settle(ingest: IngestPort, quietMs = 300, maxMs = 5000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (ingest.buffered > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The fill a driver sees on opening a container: the simulation's truth at that moment. */
function fillSeen(demo: DemoCity, containerId: string, atMs: number): number | null {
  try {
    return demo.simulator.engine.stateAt(containerId, Math.max(atMs, demo.simulator.engine.clockOf(containerId).getTime())).fillPct;
  } catch {
    return null;
  }
}

async function listen(app: NestExpressApplication, port: number, host: string): Promise<void> {
  try {
    await app.listen(port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${port} on ${host} is taken, so the dashboard cannot listen there: set GATEWAY_PORT to a free port (0 = any)`, { cause: error });
    }
    throw error;
  }
}

/** Puts INGEST_TOPIC_PREFIX in front of the simulator's topics, where the ingest listens. */
class PrefixedSink implements UplinkSink {
  constructor(
    private readonly inner: UplinkSink,
    private readonly prefix: string,
  ) {}

  publish(message: UplinkMessage): Promise<void> {
    return this.inner.publish({ ...message, topic: this.prefix + message.topic });
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

const round1 = (value: number): number => Math.round(value * 10) / 10;
