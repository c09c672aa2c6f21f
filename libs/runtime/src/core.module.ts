import {
  type DynamicModule, Global, Inject, Logger, type MiddlewareConsumer, Module, type NestModule, type OnApplicationShutdown, type Provider, RequestMethod,
} from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { CLOCK, CONFIG, DATABASE, EVENT_BUS, type Clock, systemClock } from '@vulgraad/contracts';
import { type Config, loadConfig } from '@vulgraad/config';
import { createDatabase, type Database, migrate, ReadingsMaintenance } from '@vulgraad/database';
import { createEventBus, type EventBus } from '@vulgraad/events';
import { HealthChecks } from './health';
import { requestIdMiddleware } from './request-id';

/** What a process may hand in instead of building from configuration (the all-in-one, tests). */
export interface CoreModuleOptions {
  config?: Config;
  /** A database opened elsewhere; it is not migrated or closed here. */
  database?: Database;
  /** A bus made elsewhere; it is not closed here. */
  eventBus?: EventBus;
  clock?: Clock;
  /** Run readings maintenance in this process (default: DB_MAINTENANCE_INTERVAL_S > 0). */
  maintenance?: boolean;
}

const CORE_OPTIONS = Symbol('vulgraad.coreOptions');
const MAINTENANCE = Symbol('vulgraad.maintenance');

/** Closes what CoreModule opened, in reverse order, when the application shuts down. */
class CoreLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('CoreModule');

  constructor(
    @Inject(CORE_OPTIONS) private readonly options: CoreModuleOptions,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(EVENT_BUS) private readonly eventBus: EventBus,
    @Inject(MAINTENANCE) private readonly maintenance: ReadingsMaintenance | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.maintenance?.stop();
    if (!this.options.eventBus) await this.eventBus.close().catch((error: unknown) => this.logger.warn({ msg: 'event bus close failed', err: error }));
    if (!this.options.database) await this.database.close().catch((error: unknown) => this.logger.warn({ msg: 'database close failed', err: error }));
  }
}

/**
 * The wiring every app shares: configuration, database (opened and migrated),
 * event bus and clock under the tokens of `@vulgraad/contracts`, the health
 * checks (NestJS terminus) and the request id of every HTTP request
 * (`x-request-id`, in its log lines and its response). Import it once, in the
 * root module of a process; it is global, so app modules inject the tokens
 * and `HealthChecks` without importing it.
 */
@Global()
@Module({})
export class CoreModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestIdMiddleware()).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  static forRoot(options: CoreModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: CORE_OPTIONS, useValue: options },
      { provide: CONFIG, useFactory: () => options.config ?? loadConfig() },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      {
        provide: DATABASE,
        inject: [CONFIG],
        useFactory: async (config: Config): Promise<Database> => {
          if (options.database) return options.database;
          const logger = new Logger('Database');
          const db = await createDatabase({
            databaseUrl: config.core.databaseUrl,
            pgliteDataDir: config.core.pgliteDataDir,
            poolSize: config.database.poolSize,
            onError: (error) => logger.warn({ msg: 'idle database connection failed', err: error }),
          });
          if (config.database.migrateOnStart) {
            try {
              const result = await migrate(db, {
                timescale: config.database.timescale,
                log: (msg, fields) => logger.log({ msg, ...fields }),
              });
              logger.log({ msg: 'schema up to date', kind: db.kind, variant: result.variant, applied: result.applied.length });
            } catch (error) {
              await db.close();
              throw error;
            }
          }
          return db;
        },
      },
      {
        provide: EVENT_BUS,
        inject: [CONFIG],
        useFactory: (config: Config): EventBus => {
          if (options.eventBus) return options.eventBus;
          const logger = new Logger('EventBus');
          return createEventBus(config.core.redisUrl, config.core.eventsRedisPrefix, (error) => logger.warn({ msg: 'event handler or connection failed', err: error }));
        },
      },
      {
        provide: MAINTENANCE,
        inject: [CONFIG, DATABASE, CLOCK],
        useFactory: (config: Config, db: Database): ReadingsMaintenance | null => {
          const enabled = options.maintenance ?? config.database.maintenanceIntervalS > 0;
          if (!enabled || config.database.maintenanceIntervalS <= 0) return null;
          const logger = new Logger('ReadingsMaintenance');
          const maintenance = new ReadingsMaintenance(db, { rejectedRetentionDays: config.database.rejectedRetentionDays, positionRetentionDays: config.database.positionRetentionDays, onError: (error) => logger.warn({ msg: 'maintenance run failed', err: error }) });
          maintenance.start(config.database.maintenanceIntervalS * 1000);
          return maintenance;
        },
      },
      {
        provide: HealthChecks,
        inject: [HealthCheckService, HealthIndicatorService],
        useFactory: (health: HealthCheckService, indicators: HealthIndicatorService) => new HealthChecks(health, indicators),
      },
      CoreLifecycle,
    ];
    return {
      module: CoreModule,
      global: true,
      imports: [TerminusModule.forRoot()],
      providers,
      exports: [CONFIG, CLOCK, DATABASE, EVENT_BUS, HealthChecks],
    };
  }
}
