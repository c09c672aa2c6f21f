import { Controller, Get, Header, HttpCode, Inject, Post, Res, ServiceUnavailableException } from '@nestjs/common';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { HealthChecks, type ReadinessResponse } from '@vulgraad/runtime';
import type { HealthCheckResult } from '@nestjs/terminus';
import { IngestMetrics } from './ingest.metrics';
import { IngestPipeline } from './ingest.pipeline';
import { MqttIngestHandler } from './mqtt-ingest.handler';

/**
 * Health and counters of the ingest: /health (database and broker, as
 * before), /health/live, /health/ready (terminus: database reachable and
 * MQTT connected), /metrics (Prometheus), /stats (JSON).
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly metrics: IngestMetrics,
    private readonly pipeline: IngestPipeline,
    private readonly mqtt: MqttIngestHandler,
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
      this.checks.flag('mqtt', () => this.mqtt.connected, { buffered: this.pipeline.buffered }),
    ], response);
  }

  @Get('health')
  async health(): Promise<Record<string, unknown>> {
    const database = await this.db
      .query('SELECT 1')
      .then(() => true)
      .catch(() => false);
    const broker = this.mqtt.connected;
    const ok = database && broker;
    const body = {
      status: ok ? 'ok' : 'degraded',
      database,
      broker,
      buffered: this.pipeline.buffered,
      lastCommitAt: this.pipeline.lastCommit?.toISOString() ?? null,
    };
    if (!ok) throw new ServiceUnavailableException(body);
    return body;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  metricsText(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  @Get('stats')
  stats(): Record<string, unknown> {
    return { ...this.metrics.snapshot(), buffered: this.pipeline.buffered, brokerConnected: this.mqtt.connected };
  }

  /** Where the recent readings' time went (stage by stage), how late the event loop ran, and GC pauses. */
  @Get('stats/timings')
  timings(): Record<string, unknown> {
    return this.metrics.timings();
  }

  @Post('stats/timings/reset')
  @HttpCode(204)
  resetTimings(): void {
    this.metrics.resetTimings();
  }
}
