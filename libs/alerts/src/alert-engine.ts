import type { AlertCause, AlertChanged, Clock, ContainerStateChanged } from '@vulgraad/contracts';
import type { AlertsRepository, CommittedChange } from './alerts.repository';
import { KeyedQueue } from './keyed-queue';
import { evaluateOverflow, evaluateReading, evaluateSilence, type OverflowFacts, type Verdict } from './rules';
import { mergeThresholds, type AlertThresholds, type ThresholdOverrides } from './thresholds';

export interface AlertEngineOptions {
  /** Thresholds where a district has no override. */
  defaults: AlertThresholds;
  clock: Clock;
  /** Publishes a committed change (the `alert.changed` event). */
  publish(event: AlertChanged): Promise<void>;
  /** Called when a change queued webhook deliveries, so the dispatcher can send them now. */
  onDeliveriesQueued?(): void;
  onError?(error: unknown): void;
}

/** One container's overflow outlook, from the forecast and the plans. */
export interface OverflowOutlook {
  containerId: string;
  district: string;
  facts: OverflowFacts;
}

/**
 * The rules engine: turns container states, the silence check and overflow
 * outlooks into opened and auto-resolved alerts. It remembers which
 * (container, cause) pairs are unresolved so that a reading that changes
 * nothing costs no database work; the database's unique index stays the
 * judge, so several engines (replicas) can run side by side and agree.
 */
export class AlertEngine {
  private readonly unresolved = new Map<string, Set<AlertCause>>();
  private overrides = new Map<string, ThresholdOverrides>();
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly repository: AlertsRepository,
    private readonly options: AlertEngineOptions,
  ) {}

  /** Loads the unresolved alerts and the district thresholds; call before feeding events, and now and then to catch up. */
  async reload(): Promise<void> {
    const [keys, overrides] = await Promise.all([this.repository.unresolvedKeys(), this.repository.thresholdOverrides()]);
    this.unresolved.clear();
    for (const { containerId, cause } of keys) this.mark(containerId, cause, true);
    this.overrides = overrides;
  }

  thresholdsFor(district: string): AlertThresholds {
    return mergeThresholds(this.options.defaults, this.overrides.get(district));
  }

  /** Judges a committed reading. */
  onContainerState(state: ContainerStateChanged): Promise<void> {
    return this.queue.run(state.containerId, async () => {
      const verdicts = evaluateReading(state, this.thresholdsFor(state.district));
      await this.apply(state.containerId, state.district, verdicts);
    });
  }

  /** Keeps the memory of unresolved alerts in step with changes made elsewhere (people, other replicas). */
  noteChange(event: AlertChanged): void {
    this.mark(event.containerId, event.cause, event.status !== 'resolved');
  }

  /**
   * Opens sensor_silent for every sensor quiet for its district's multiple of
   * its reporting interval, and resolves the silent alerts of sensors that
   * have reported since. Returns how many alerts it opened.
   */
  async checkSilence(): Promise<number> {
    const now = this.options.clock.now();
    const minMultiple = Math.min(this.options.defaults.silentMultiple, ...[...this.overrides.values()].map((o) => o.silentMultiple ?? Infinity));
    const candidates = await this.repository.silenceCandidates(now, minMultiple);
    const silent = new Set<string>();
    let opened = 0;
    for (const candidate of candidates) {
      const verdict = evaluateSilence(candidate, now, this.thresholdsFor(candidate.district));
      if (verdict.state !== 'active') continue;
      silent.add(candidate.containerId);
      await this.queue.run(candidate.containerId, async () => {
        opened += await this.apply(candidate.containerId, candidate.district, [verdict]);
      });
    }
    for (const [containerId, causes] of [...this.unresolved]) {
      if (!causes.has('sensor_silent') || silent.has(containerId)) continue;
      await this.queue.run(containerId, async () => {
        await this.apply(containerId, '', [{ cause: 'sensor_silent', state: 'clear', reason: 'the sensor reported within its interval' }]);
      });
    }
    return opened;
  }

  /** Opens or resolves predicted_overflow from the forecast outlooks. Returns how many it opened. */
  async applyOverflow(outlooks: readonly OverflowOutlook[]): Promise<number> {
    let opened = 0;
    for (const outlook of outlooks) {
      const verdict = evaluateOverflow(outlook.facts, this.thresholdsFor(outlook.district));
      if (!verdict) continue;
      await this.queue.run(outlook.containerId, async () => {
        opened += await this.apply(outlook.containerId, outlook.district, [verdict]);
      });
    }
    return opened;
  }

  /** Resolves when every queued judgement has been written. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private async apply(containerId: string, district: string, verdicts: readonly Verdict[]): Promise<number> {
    let opened = 0;
    for (const verdict of verdicts) {
      const has = this.unresolved.get(containerId)?.has(verdict.cause) ?? false;
      try {
        if (verdict.state === 'active' && !has) {
          const { cause, severity, message, details } = verdict;
          const change = await this.repository.open({ containerId, district, cause, severity, message, details }, this.options.clock.now());
          this.mark(containerId, cause, true);
          if (change) {
            opened++;
            await this.announce(change);
          }
        } else if (verdict.state === 'clear' && has) {
          const change = await this.repository.resolveAuto(containerId, verdict.cause, verdict.reason, this.options.clock.now());
          this.mark(containerId, verdict.cause, false);
          if (change) await this.announce(change);
        }
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    return opened;
  }

  private async announce(change: CommittedChange): Promise<void> {
    if (change.deliveriesQueued > 0) this.options.onDeliveriesQueued?.();
    await this.options.publish(change.event);
  }

  private mark(containerId: string, cause: AlertCause, unresolved: boolean): void {
    let causes = this.unresolved.get(containerId);
    if (unresolved) {
      if (!causes) this.unresolved.set(containerId, (causes = new Set()));
      causes.add(cause);
    } else if (causes) {
      causes.delete(cause);
      if (causes.size === 0) this.unresolved.delete(containerId);
    }
  }
}
