export { HttpIngestModule } from './http-ingest.module';
export { HttpIngestService } from './http-ingest.service';
export { httpUplinkDoors, serveUplinkDoorsFirst, UPLINK_PATH_PREFIX } from './http-uplinks.handler';
export { KPN_TOKEN_HEADER, SECRET_HEADER, UplinkAuth } from './uplink-auth';
