import { Controller, Get } from '@nestjs/common';
import { AlertsService } from './alerts.service';

/** Liveness and counters of the alerts process (not part of the public API). */
@Controller('alerts')
export class AlertsHealthController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('health')
  health() {
    return { status: 'ok', forecasts: this.alerts.overflow.size, ...this.alerts.counters };
  }
}
