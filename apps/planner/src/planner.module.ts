import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Config } from '@vulgraad/config';
import { CONFIG, JOB_RUNNER } from '@vulgraad/contracts';
import { CollectionsRepository, ContainersRepository, DepotsRepository, DisposalSitesRepository, VehiclesRepository } from '@vulgraad/database';
import { forecastOptions, forecastSettingsFrom } from '@vulgraad/forecasting';
import { createMatrixProvider, type MatrixProvider } from '@vulgraad/distances';
import { createJobRunner, type JobRunner } from '@vulgraad/jobs';
import {
  DistrictSettingsRepository, FillModelCache, PlannerEditsRepository, PlanningDataRepository, PlansRepository, type SolveFn,
} from '@vulgraad/planning';
import { SolverWorker } from '@vulgraad/routing';
import { repositoryProviders } from '@vulgraad/runtime';
import { DailyScheduler } from './daily.scheduler';
import { FeedbackService } from './feedback.service';
import { PlannerHealthController } from './health.controller';
import { PlanProcessor } from './plan.processor';
import { PlannerEventsHandler } from './planner-events.handler';
import { PlannerMetrics } from './planner.metrics';
import { PLANNER_PORT, PlannerPortService } from './planner.port';
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
/** The planner's own solver thread, when no `solve` was handed in. */
const SOLVER_WORKER = Symbol('vulgraad.planner.solverWorker');

/** What the planner reads and writes, each repository built once on the process's database. */
const REPOSITORIES = [
  ContainersRepository,
  VehiclesRepository,
  DepotsRepository,
  DisposalSitesRepository,
  CollectionsRepository,
  PlansRepository,
  PlannerEditsRepository,
  DistrictSettingsRepository,
  PlanningDataRepository,
];

class PlannerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: PlannerModuleOptions,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
    @Inject(SOLVER_WORKER) private readonly solver: SolverWorker | null,
  ) {}

  onApplicationBootstrap(): void {
    // The solver's process loads while the first plan's data is read, not after.
    this.solver?.warmUp();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.solver?.close();
    if (!this.options.jobRunner) await this.jobs.close();
  }
}

/**
 * The planner: a daily fleet plan per fraction before the cut-off (one route per truck and day),
 * re-plans on events, driver feedback, health and metrics. Needs
 * CoreModule (CONFIG, DATABASE, EVENT_BUS, CLOCK) in the root module.
 */
@Module({})
export class PlannerModule {
  static forRoot(options: PlannerModuleOptions = {}): DynamicModule {
    const providers: Provider[] = [
      { provide: OPTIONS, useValue: options },
      ...repositoryProviders(REPOSITORIES),
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
      // In a long-lived process of its own at background priority: a plan's search must not stall health checks, metrics and event handling, nor take the CPU live work needs.
      { provide: SOLVER_WORKER, useFactory: () => (options.solve ? null : new SolverWorker()) },
      { provide: SOLVER, inject: [SOLVER_WORKER], useFactory: (worker: SolverWorker | null): SolveFn => options.solve ?? (worker as SolverWorker).solve },
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
      { provide: PLANNER_PORT, useClass: PlannerPortService },
    ];
    if (options.schedules ?? true) providers.push(DailyScheduler);
    return {
      module: PlannerModule,
      controllers: [PlannerHealthController],
      providers,
      exports: [PLANNER_PORT, PlanningService, ReplanCoordinator, FeedbackService, PlannerMetrics, JOB_RUNNER],
    };
  }
}
