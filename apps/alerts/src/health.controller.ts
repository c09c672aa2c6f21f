import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { HealthChecks, type ReadinessResponse } from '@vulgraad/runtime';
import { AlertsMetrics } from './alerts.metrics';
import { AlertsService } from './alerts.service';

/**
 * Health and numbers of the alerts process (not part of the public API):
 * alerts/health (counters, as before), alerts/health/live,
 * alerts/health/ready (terminus: database reachable), alerts/metrics.
 */
@Controller('alerts')
export class AlertsHealthController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly metrics: AlertsMetrics,
    private readonly checks: HealthChecks,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok', forecasts: this.alerts.overflow.size, ...this.alerts.counters };
  }

  @Get('health/live')
  live(): Promise<HealthCheckResult> {
    return this.checks.live();
  }

  @Get('health/ready')
  ready(@Res({ passthrough: true }) response: ReadinessResponse): Promise<HealthCheckResult> {
    return this.checks.ready([this.checks.database(this.db)], response);
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
