import { Get, Header, Inject, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation } from '@nestjs/swagger';
import type { HealthCheckResult } from '@nestjs/terminus';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { HealthChecks, type ReadinessResponse } from '@vulgraad/runtime';
import { Public } from '../auth/auth.decorators';
import { ApiController } from '../common/api-controller';
import { GatewayMetrics } from './gateway.metrics';

/** Liveness and readiness of the gateway (terminus): /api/health/live, /api/health/ready. */
@ApiController('api/health', 'health')
export class GatewayHealthController {
  constructor(
    private readonly checks: HealthChecks,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'The process answers (no dependency is asked)' })
  live(): Promise<HealthCheckResult> {
    return this.checks.live();
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'The gateway can serve: its database answers (503 with terminus\' body naming what is down otherwise)' })
  ready(@Res({ passthrough: true }) response: ReadinessResponse): Promise<HealthCheckResult> {
    return this.checks.ready([this.checks.database(this.db)], response);
  }
}

/** Prometheus text of the gateway's registry at /metrics. */
@ApiController('metrics', 'health')
export class GatewayMetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Public()
  @Get()
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  text(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
