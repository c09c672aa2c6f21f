import { Inject, Injectable } from '@nestjs/common';
import { AlertActions, AlertsRepository, DEFAULT_THRESHOLDS, mergeThresholds, WebhooksRepository, webhookUrlProblem, type Alert, type AlertFilter, type AlertThresholds, type Webhook } from '@vulgraad/alerts';
import type { Config } from '@vulgraad/config';
import { CLOCK, CONFIG, DomainError, EVENT_BUS, type Clock } from '@vulgraad/contracts';
import type { EventBus } from '@vulgraad/events';
import { AuditService } from '../audit/audit.service';
import { seesDistrict, type AuthUser } from '../auth/roles';
import type { AlertsQuery, ThresholdsDto, WebhookDto } from './alerts.dto';

@Injectable()
export class AlertsService {
  private readonly actions: AlertActions;

  constructor(
    private readonly alerts: AlertsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly audit: AuditService,
    @Inject(EVENT_BUS) bus: EventBus,
    @Inject(CLOCK) clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.actions = new AlertActions(alerts, clock, (event) => bus.publish('alert.changed', event));
  }

  async list(user: AuthUser, query: AlertsQuery): Promise<Alert[]> {
    if (query.district && !seesDistrict(user, query.district)) throw new DomainError('forbidden', `you may not see district ${query.district}`, 'district');
    const filter: AlertFilter = {
      status: query.status ?? 'unresolved',
      district: query.district,
      districts: user.districts,
      cause: query.cause,
      containerId: query.containerId,
      before: query.before ? new Date(query.before) : undefined,
      limit: query.limit,
    };
    return this.alerts.list(filter);
  }

  async get(user: AuthUser, id: string) {
    const alert = await this.visible(user, id);
    return { ...alert, history: await this.alerts.history(id) };
  }

  async acknowledge(user: AuthUser, id: string, note: string | null): Promise<Alert> {
    await this.visible(user, id);
    const alert = await this.actions.acknowledge(id, user.username, note);
    await this.audit.record(user, 'alert.acknowledge', { type: 'alert', id }, { note, cause: alert.cause, containerId: alert.containerId });
    return alert;
  }

  async resolve(user: AuthUser, id: string, note: string | null): Promise<Alert> {
    await this.visible(user, id);
    const alert = await this.actions.resolve(id, user.username, note);
    await this.audit.record(user, 'alert.resolve', { type: 'alert', id }, { note, cause: alert.cause, containerId: alert.containerId });
    return alert;
  }

  /** The thresholds a district's alerts use, and what it overrides. */
  async thresholds(district: string): Promise<{ district: string; effective: AlertThresholds; overrides: Partial<AlertThresholds> }> {
    const overrides = (await this.alerts.thresholdOverrides()).get(district) ?? {};
    const defaults = this.defaults();
    const set = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== null && v !== undefined)) as Partial<AlertThresholds>;
    return { district, effective: mergeThresholds(defaults, overrides), overrides: set };
  }

  async saveThresholds(user: AuthUser, district: string, dto: ThresholdsDto) {
    await this.alerts.saveThresholdOverrides(district, dto, user.username);
    await this.audit.record(user, 'alert.thresholds', { type: 'district', id: district }, { ...dto });
    return this.thresholds(district);
  }

  async listWebhooks(): Promise<Webhook[]> {
    return this.webhooks.list();
  }

  async createWebhook(user: AuthUser, dto: WebhookDto): Promise<Webhook> {
    const problem = this.config.alerts.webhookAllowPrivateTargets ? null : webhookUrlProblem(dto.url);
    if (problem) throw new DomainError('validation', `${problem}; set WEBHOOK_ALLOW_PRIVATE_TARGETS to allow receivers inside the deployment`, 'url');
    const hook = await this.webhooks.create(dto, user.username);
    await this.audit.record(user, 'webhook.create', { type: 'webhook', id: hook.id }, { url: dto.url, causes: dto.causes ?? null, districts: dto.districts ?? null });
    return hook;
  }

  async removeWebhook(user: AuthUser, id: string): Promise<void> {
    if (!(await this.webhooks.remove(id))) throw new DomainError('not_found', `webhook ${id} does not exist`, 'id');
    await this.audit.record(user, 'webhook.delete', { type: 'webhook', id }, {});
  }

  async deliveries(id: string, limit: number) {
    return this.webhooks.deliveries(id, limit);
  }

  private defaults(): AlertThresholds {
    const a = this.config.alerts;
    return { ...DEFAULT_THRESHOLDS, fullPct: a.fullPct, batteryLowPct: a.batteryLowPct, temperatureHighC: a.temperatureHighC, silentMultiple: a.silentMultiple, overflowRisk: a.overflowRisk };
  }

  private async visible(user: AuthUser, id: string): Promise<Alert> {
    const alert = await this.alerts.get(id);
    if (!alert) throw new DomainError('not_found', `alert ${id} does not exist`, 'id');
    if (!seesDistrict(user, alert.district)) throw new DomainError('forbidden', `you may not see district ${alert.district}`, 'id');
    return alert;
  }
}
