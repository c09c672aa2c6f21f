import { Controller, Get, Header, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { DATABASE, JOB_RUNNER } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import type { JobInfo, JobRunner } from '@vulgraad/jobs';
import { HealthChecks, type ReadinessResponse } from '@vulgraad/runtime';
import type { HealthCheckResult } from '@nestjs/terminus';
import { PlannerMetrics } from './planner.metrics';
import { PLANNER_QUEUE } from './planner.tokens';

/**
 * Health, Prometheus metrics and the failed planning jobs: /health (as
 * before), /health/live, /health/ready (terminus: database reachable, the
 * job queue answers: Redis when REDIS_URL is set), /metrics, /jobs/failed.
 */
@Controller()
export class PlannerHealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(JOB_RUNNER) private readonly jobs: JobRunner,
    private readonly metrics: PlannerMetrics,
    private readonly checks: HealthChecks,
  ) {}

  @Get('health/live')
  live(): Promise<HealthCheckResult> {
    return this.checks.live();
  }

  @Get('health/ready')
  ready(@Res({ passthrough: true }) response: ReadinessResponse): Promise<HealthCheckResult> {
    return this.checks.ready([
      this.checks.database(this.db),
      this.checks.attempt('queue', async () => ({ runner: this.jobs.kind, ...(await this.jobs.counts(PLANNER_QUEUE)) })),
    ], response);
  }

  @Get('health')
  async health(): Promise<Record<string, unknown>> {
    const database = await this.db.query('SELECT 1').then(() => true, () => false);
    const queue = await this.jobs.counts(PLANNER_QUEUE).catch(() => null);
    const ok = database && queue !== null;
    const body = { status: ok ? 'ok' : 'degraded', database, jobRunner: this.jobs.kind, queue };
    if (!ok) throw new ServiceUnavailableException(body);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Get('jobs/failed')
  failed(): Promise<JobInfo[]> {
    return this.jobs.failed(PLANNER_QUEUE, 100);
  }
}
