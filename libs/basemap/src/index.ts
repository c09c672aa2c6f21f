export * from './types';
export { featuresFromOsm, multipolygonRings } from './from-osm';
export { streetsFromCsvGraph, joinLines } from './from-csv-graph';
export { writeBasemapFile, readBasemapFile, BASEMAP_FORMAT } from './basemap-file';
export { simplifyLine } from './simplify';
export { BasemapTiles, BASEMAP_BANDS, TILE_EXTENT, bandFor, worldPx, type BasemapBand } from './tiles';
export { loadBasemap, OSM_ATTRIBUTION } from './load-basemap';
