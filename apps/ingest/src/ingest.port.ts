/** What another app may ask of the ingest: whether it still holds readings it has not committed. */
export interface IngestPort {
  /** Messages taken from the broker and not yet committed (nor rejected). */
  readonly buffered: number;
}

/** Token of the ingest's port (its pipeline), exported by IngestModule. */
export const INGEST_PORT = Symbol('vulgraad.ingest.port');
