import { readFile, stat } from 'node:fs/promises';
import { readOsmElements } from '@vulgraad/distances';
import { BASEMAP_FORMAT, readBasemapFile } from './basemap-file';
import { streetsFromCsvGraph } from './from-csv-graph';
import { featuresFromOsm } from './from-osm';
import type { Basemap, BasemapFeature } from './types';

/** What OpenStreetMap data asks to be shown beside any map made from it. */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors (ODbL)';

/**
 * A base map from one or more sources, drawn in the order given (later ones
 * on top): a compact base map file (`*.json`, as `tools/build-demo-city.ts`
 * writes), an OSM extract (`.osm`, `.osm.gz`, `.osm.pbf`: streets with names,
 * water, parks, buildings) or a node/edge CSV road graph folder (streets with
 * names where it has a `name` column). Attributions are joined.
 */
export async function loadBasemap(sources: readonly string[]): Promise<Basemap> {
  const features: BasemapFeature[] = [];
  const attributions: string[] = [];
  for (const source of sources) {
    const info = await stat(source).catch(() => null);
    if (!info) throw new Error(`base map source ${source}: no such file or folder`);
    let part: Basemap;
    if (info.isDirectory()) part = { features: streetsFromCsvGraph(source), attribution: OSM_ATTRIBUTION };
    else if (/\.json$/i.test(source)) part = readBasemapFile(await readFile(source, 'utf8'), source);
    else if (/\.(osm|xml|osm\.gz|xml\.gz|pbf)$/i.test(source)) part = { features: featuresFromOsm(await readOsmElements(source)), attribution: OSM_ATTRIBUTION };
    else throw new Error(`base map source ${source}: expected a ${BASEMAP_FORMAT} .json file, an .osm/.osm.gz/.osm.pbf extract or a CSV road graph folder`);
    features.push(...part.features);
    for (const line of part.attribution.split(' · ')) if (line && !attributions.includes(line)) attributions.push(line);
  }
  return { features, attribution: attributions.join(' · ') };
}
