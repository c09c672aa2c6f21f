export type {
  ContainerStateOut, IngestContainer, IngestDevice, IngestDeviceEntry, IngestMessage, PrepareOptions, ReadingRowOut, RegistryView,
  Refusal, RejectedRow, TakenMessage, UplinkDecoder,
} from './types';
export { CorrelationIds, readMessage, takeMessage, type ReadOptions } from './take';
export { rejectedRow } from './reject';
export { containersToLoad, devicesToLoad, resolveReadings, type Resolution, type ResolvedReading } from './resolve';
export { flagReadings, type FlaggedBatch } from './flag';
export { prepareBatch, type LoadableRegistry, type PreparedBatch } from './prepare';
