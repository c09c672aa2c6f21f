export { HttpIngestModule } from './http-ingest.module';
export { rawUplinkBody, UPLINK_PATH_PREFIX } from './raw-body';
export { KPN_TOKEN_HEADER, SECRET_HEADER, UplinkAuth } from './uplink-auth';
