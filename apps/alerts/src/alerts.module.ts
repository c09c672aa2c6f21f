import { Module } from '@nestjs/common';
import { AlertsMetrics } from './alerts.metrics';
import { AlertsHealthController } from './health.controller';
import { AlertsService } from './alerts.service';

/**
 * The alert rules, their timers and webhook delivery. Its own process
 * (apps/alerts/src/main.ts) so that judging every reading never competes
 * with the gateway's socket fan-out, and replicas scale on their own; the
 * all-in-one process imports it next to the gateway. Needs CONFIG,
 * DATABASE, EVENT_BUS and CLOCK (CoreModule).
 */
@Module({ controllers: [AlertsHealthController], providers: [AlertsService, AlertsMetrics], exports: [AlertsService] })
export class AlertsModule {}
