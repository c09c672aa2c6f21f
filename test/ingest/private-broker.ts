import { startPrivateMosquitto } from '../faults/support/private-services';

/** A Mosquitto of the test's own, with the settings the README asks of a production broker. */
export interface PrivateBroker {
  url: string;
  /** The broker's process id, while it runs. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts `mosquitto` on a free port with an unlimited offline queue
 * (max_queued_messages 0). The machine's broker keeps the Debian default of
 * 1000 queued messages per client, so while an ingest replica is down it
 * drops the rest of a stream: that is the broker's setting, not something the
 * ingest can recover, and the crash test must not depend on it.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const broker = await startPrivateMosquitto();
  return {
    url: broker.url,
    get pid() {
      return broker.pid;
    },
    stop: () => broker.destroy(),
  };
}
