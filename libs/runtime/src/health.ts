import { ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult, type HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';
import type { Database } from '@vulgraad/database';

/** What of the HTTP response readiness sets (express's response satisfies it). */
export interface ReadinessResponse {
  status(code: number): unknown;
}

/** Longest a readiness check waits for one dependency before calling it down. */
export const READINESS_TIMEOUT_MS = 3000;

/**
 * The checks behind every app's `health/live` and `health/ready` (NestJS
 * terminus). Live: the process answers (the event loop turns). Ready: the
 * dependencies the app cannot work without answer; terminus answers 503
 * with the failing ones named when one does not.
 */
export class HealthChecks {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** Liveness: nothing outside the process is asked, so a database outage never gets a replica restarted. */
  live(): Promise<HealthCheckResult> {
    return this.health.check([() => this.indicators.check('process').up({ uptimeS: Math.round(process.uptime()), pid: process.pid })]);
  }

  /**
   * Readiness: every check must be up. When one is not, the response gets
   * status 503 and terminus' body (which check is down and why) is returned
   * as it is, past any exception filter that would reshape it (the
   * gateway's, global in the all-in-one). Pass the response of
   * `@Res({ passthrough: true })`.
   */
  async ready(checks: HealthIndicatorFunction[], response: ReadinessResponse): Promise<HealthCheckResult> {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  /** The database answers `SELECT 1` within READINESS_TIMEOUT_MS. */
  database(db: Database): HealthIndicatorFunction {
    return () =>
      this.indicators
        .check('database')
        .attempt(async () => {
          await db.query('SELECT 1');
          return { kind: db.kind };
        })
        .withTimeout(READINESS_TIMEOUT_MS);
  }

  /** Up when probe() is true (a connection flag such as the MQTT client's). */
  flag(key: string, probe: () => boolean, data: Record<string, unknown> = {}): HealthIndicatorFunction {
    return () => (probe() ? this.indicators.check(key).up(data) : this.indicators.check(key).down(data));
  }

  /** Up when fn resolves within READINESS_TIMEOUT_MS; what it resolves with is shown. */
  attempt(key: string, fn: () => Promise<Record<string, unknown> | void>): HealthIndicatorFunction {
    return () => this.indicators.check(key).attempt(fn).withTimeout(READINESS_TIMEOUT_MS);
  }
}
