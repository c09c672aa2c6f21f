import { Body, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { DomainError } from '@vulgraad/contracts';
import { seesDistrict, type AuthUser } from '../auth/roles';
import { AlertNoteDto, AlertsQuery, ThresholdsDto, WebhookDto } from './alerts.dto';
import { AlertsService } from './alerts.service';
import { ApiController } from '../common/api-controller';

@ApiController('api', 'alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Roles('viewer')
  @Get('alerts')
  @ApiOperation({ summary: 'Alerts, newest first; default the unresolved ones' })
  list(@CurrentUser() user: AuthUser, @Query() query: AlertsQuery) {
    return this.alerts.list(user, query);
  }

  @Roles('viewer')
  @Get('alerts/:id')
  @ApiOperation({ summary: 'One alert with its history (opened, acknowledged, resolved; by whom)' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.alerts.get(user, id);
  }

  @Roles('planner', 'operator')
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge an open alert' })
  acknowledge(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: AlertNoteDto) {
    return this.alerts.acknowledge(user, id, body.note ?? null);
  }

  @Roles('planner', 'operator')
  @Post('alerts/:id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve an alert by hand (a new one opens if the cause is still there at the next reading)' })
  resolve(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: AlertNoteDto) {
    return this.alerts.resolve(user, id, body.note ?? null);
  }

  @Roles('viewer')
  @Get('alert-settings/:district')
  @ApiOperation({ summary: 'Alert thresholds in force for a district and what it overrides' })
  thresholds(@CurrentUser() user: AuthUser, @Param('district') district: string) {
    checkDistrictParam(user, district);
    return this.alerts.thresholds(district);
  }

  @Roles('admin')
  @Put('alert-settings/:district')
  @ApiOperation({ summary: 'Set a district\'s thresholds (null = back to the default)' })
  saveThresholds(@CurrentUser() user: AuthUser, @Param('district') district: string, @Body() body: ThresholdsDto) {
    checkDistrictParam(user, district);
    return this.alerts.saveThresholds(user, district, body);
  }
}

@ApiController('api/webhooks', 'webhooks')
export class WebhooksController {
  constructor(private readonly alerts: AlertsService) {}

  @Roles('admin')
  @Get()
  list() {
    return this.alerts.listWebhooks();
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Register a receiver of alert changes (signed, retried with backoff)' })
  create(@CurrentUser() user: AuthUser, @Body() body: WebhookDto) {
    return this.alerts.createWebhook(user, body);
  }

  @Roles('admin')
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.alerts.removeWebhook(user, id);
  }

  @Roles('admin')
  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log: each delivery with every attempt, status code and error' })
  @ApiQuery({ name: 'limit', required: false })
  deliveries(@Param('id') id: string, @Query('limit') limit?: string) {
    return this.alerts.deliveries(id, Math.min(Math.max(Number(limit) || 100, 1), 1000));
  }
}

/** A user limited to some districts reads and sets the alert settings of those only. */
function checkDistrictParam(user: AuthUser, district: string): void {
  if (!seesDistrict(user, district)) throw new DomainError('forbidden', `you may not see district ${district}`, 'district');
}
