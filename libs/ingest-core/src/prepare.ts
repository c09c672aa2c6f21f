import { flagReadings, type FlaggedBatch } from './flag';
import { containersToLoad, devicesToLoad, resolveReadings } from './resolve';
import type { IngestDeviceEntry, IngestMessage, PrepareOptions, RegistryView, RejectedRow, TakenMessage, UplinkDecoder } from './types';

/** A registry view that can load what a batch needs before it is read (the ingest's cached device directory). */
export interface LoadableRegistry<D extends IngestDeviceEntry = IngestDeviceEntry> extends RegistryView<D> {
  loadDevices(refs: ReadonlySet<string>): Promise<void>;
  /** Containers and their flagging memories. */
  loadContainers(ids: ReadonlySet<string>): Promise<void>;
}

/** A batch ready for its transaction: rows, states and rejected rows; events to publish after the commit. */
export interface PreparedBatch<M extends IngestMessage = IngestMessage> extends FlaggedBatch<M> {
  /** Rejected rows of resolution and flagging together. */
  rejects: RejectedRow[];
  /** The message each rejected row was made from, in the same order as rejects: what the caller tells a transport that waits for the outcome. */
  rejectedFrom: Array<TakenMessage<M>>;
}

/**
 * The preparation of one batch, step by step: the devices it names are
 * loaded, messages resolved to containers (resolveReadings), the containers
 * loaded, readings flagged and rows built (flagReadings). Writes nothing:
 * the caller owns the transaction, the acknowledgements and the memories.
 */
export async function prepareBatch<M extends IngestMessage, D extends IngestDeviceEntry>(
  batch: ReadonlyArray<TakenMessage<M>>,
  registry: LoadableRegistry<D>,
  decoder: UplinkDecoder,
  options: PrepareOptions,
): Promise<PreparedBatch<M>> {
  await registry.loadDevices(devicesToLoad(batch));
  const resolution = resolveReadings(batch, registry, decoder, options);
  await registry.loadContainers(containersToLoad(resolution.resolved));
  const flagged = flagReadings(resolution.resolved, registry, options.thresholds, options.rejectKeepBytes);
  if (flagged.rejects.length === 0) return { ...flagged, rejects: resolution.rejects, rejectedFrom: resolution.rejectedFrom };
  if (resolution.rejects.length === 0) return flagged;
  return { ...flagged, rejects: [...resolution.rejects, ...flagged.rejects], rejectedFrom: [...resolution.rejectedFrom, ...flagged.rejectedFrom] };
}
