import type { AlertChanged, Clock } from '@vulgraad/contracts';
import type { AlertsRepository } from './alerts.repository';
import type { Alert } from './types';

/** What people do to alerts: acknowledge and resolve, each kept in the history and announced. */
export class AlertActions {
  constructor(
    private readonly repository: AlertsRepository,
    private readonly clock: Clock,
    private readonly publish: (event: AlertChanged) => Promise<void>,
    private readonly onDeliveriesQueued: () => void = () => undefined,
  ) {}

  async acknowledge(id: string, by: string, note: string | null): Promise<Alert> {
    const change = await this.repository.acknowledge(id, by, note, this.clock.now());
    if (change.deliveriesQueued > 0) this.onDeliveriesQueued();
    await this.publish(change.event);
    return change.alert;
  }

  async resolve(id: string, by: string, note: string | null): Promise<Alert> {
    const change = await this.repository.resolveManual(id, by, note, this.clock.now());
    if (change.deliveriesQueued > 0) this.onDeliveriesQueued();
    await this.publish(change.event);
    return change.alert;
  }
}
