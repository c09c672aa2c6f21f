import { type DynamicModule, Inject, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, JOB_RUNNER } from '@vulgraad/contracts';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import { createMatrixProvider, type MatrixProvider } from '@vulgraad/distances';
import { createJobRunner, type JobRunner } from '@vulgraad/jobs';
import { FillModelCache, type SolveFn } from '@vulgraad/planning';
import { solveInWorker } from '@vulgraad/routing';
import { DailyScheduler } from './daily.scheduler';
import { FeedbackService } from './feedback.service';
import { PlannerHealthController } from './health.controller';
import { PlanProcessor } from './plan.processor';
import { PlannerEventsHandler } from './planner-events.handler';
import { PlannerMetrics } from './planner.metrics';
import { MATRIX_PROVIDER, MODEL_CACHE, PLANNER_QUEUE, SOLVER } from './planner.tokens';
import { PlanningService } from './planning.service';
import { ReplanCoordinator } from './replan.coordinator';

/** Parts a process may hand in (the all-in-one, tests) instead of building them from configuration. */
export interface PlannerModuleOptions {
  /** A runner made elsewhere; it is not closed here. */
  jobRunner?: JobRunner;
  matrixProvider?: MatrixProvider;
  solve?: SolveFn;
  /** Run the daily schedules (default true). */
  schedules?: boolean;
  /** Default process metrics on the planner's registry (default true). */
  defaultMetrics?: boolean;
}

const OPTIONS = Symbol('vulgraad.planner.options');

class PlannerLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: PlannerModuleOptions,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.options.jobRunner) await this.jobs.close();
  }
}

/**
 * The planner: daily plans per district and fraction before the cut-off,
 * re-plans on events, driver feedback, health and metrics. Needs
 * CoreModule (CONFIG, DATABASE, EVENT_BUS, CLOCK) in the root module.
 */
@Module({})
export class PlannerModule {
  static forRoot(options: PlannerModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: OPTIONS, useValue: options },
      {
        provide: JOB_RUNNER,
        inject: [CONFIG],
        useFactory: (config: Config): JobRunner => {
          if (options.jobRunner) return options.jobRunner;
          const logger = new Logger('JobRunner');
          return createJobRunner(config.core.redisUrl, { prefix: config.planner.queuePrefix, onError: (error) => logger.warn({ msg: 'job runner error', err: String(error) }) });
        },
      },
      {
        provide: MATRIX_PROVIDER,
        inject: [CONFIG],
        useFactory: async (config: Config): Promise<MatrixProvider> => {
          if (options.matrixProvider) return options.matrixProvider;
          const logger = new Logger('Distances');
          return createMatrixProvider(config.distances, { onWarning: (message) => logger.warn({ msg: message }) });
        },
      },
      // In a worker thread: a plan's search must not stall health checks, metrics and event handling.
      { provide: SOLVER, useValue: options.solve ?? solveInWorker },
      { provide: MODEL_CACHE, inject: [CONFIG], useFactory: (config: Config) => new FillModelCache(forecastOptions(forecastSettingsFrom(config))) },
      {
        provide: PlannerMetrics,
        inject: [JOB_RUNNER],
        useFactory: (jobs: JobRunner) => {
          const metrics = new PlannerMetrics(() => jobs.counts(PLANNER_QUEUE), { defaultMetrics: options.defaultMetrics ?? true });
          jobs.onFinished((event) => metrics.jobFinished(event));
          return metrics;
        },
      },
      PlanningService,
      ReplanCoordinator,
      FeedbackService,
      PlanProcessor,
      PlannerEventsHandler,
      PlannerLifecycle,
    ];
    if (options.schedules ?? true) providers.push(DailyScheduler);
    return {
      module: PlannerModule,
      controllers: [PlannerHealthController],
      providers,
      exports: [PlanningService, ReplanCoordinator, FeedbackService, PlannerMetrics, JOB_RUNNER],
    };
  }
}
