// The ingest's door: what another app (the all-in-one) may use of it.
export { IngestModule } from './ingest.module';
export { INGEST_PORT, type IngestPort } from './ingest.port';
export { HttpIngestModule, HttpIngestService, httpUplinkDoors, serveUplinkDoorsFirst } from './http';
