import { BASEMAP_LAYERS, type Basemap, type BasemapFeature, type BasemapLayer } from './types';

/** Marks the compact base map format; a file with another mark is refused. */
export const BASEMAP_FORMAT = 'vulgraad-basemap/1';
/** Coordinates are stored as integers of 1e-6 degree (about 0.1 m). */
const STEPS_PER_DEG = 1e6;

/** The compact file: features as [layer, kind, name, parts], each part delta-coded integers. */
interface BasemapFileJson {
  format: string;
  attribution: string;
  licence?: string;
  features: Array<[BasemapLayer, string, string | null, number[][]]>;
}

/** The base map as compact JSON text (delta-coded integer coordinates), a few times smaller than GeoJSON. */
export function writeBasemapFile(basemap: Basemap, licence: string): string {
  const features = basemap.features.map((f) => [f.layer, f.kind, f.name, f.parts.map(deltaEncode)] as const);
  // One feature a line, so a diff of a rebuilt file shows what changed.
  const lines = features.map((f) => JSON.stringify(f));
  return `{"format":${JSON.stringify(BASEMAP_FORMAT)},"attribution":${JSON.stringify(basemap.attribution)},"licence":${JSON.stringify(licence)},"features":[\n${lines.join(',\n')}\n]}\n`;
}

/** Reads what `writeBasemapFile` wrote; a wrong format or a broken feature is an error naming it. */
export function readBasemapFile(text: string, source: string): Basemap {
  let parsed: BasemapFileJson;
  try {
    parsed = JSON.parse(text) as BasemapFileJson;
  } catch (error) {
    throw new Error(`${source}: not JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  if (parsed.format !== BASEMAP_FORMAT || !Array.isArray(parsed.features)) throw new Error(`${source}: not a ${BASEMAP_FORMAT} file`);
  const features: BasemapFeature[] = parsed.features.map((raw, i) => {
    const [layer, kind, name, parts] = raw;
    if (!(BASEMAP_LAYERS as readonly string[]).includes(layer) || typeof kind !== 'string' || !Array.isArray(parts)) throw new Error(`${source}: feature ${i} is not [layer, kind, name, parts]`);
    return { layer, kind, name: typeof name === 'string' ? name : null, parts: parts.map(deltaDecode) };
  });
  return { features, attribution: String(parsed.attribution ?? '') };
}

function deltaEncode(coords: readonly number[]): number[] {
  const out = new Array<number>(coords.length);
  let lastX = 0;
  let lastY = 0;
  for (let i = 0; i < coords.length; i += 2) {
    const x = Math.round((coords[i] as number) * STEPS_PER_DEG);
    const y = Math.round((coords[i + 1] as number) * STEPS_PER_DEG);
    out[i] = x - lastX;
    out[i + 1] = y - lastY;
    lastX = x;
    lastY = y;
  }
  return out;
}

function deltaDecode(deltas: readonly number[]): number[] {
  const out = new Array<number>(deltas.length);
  let x = 0;
  let y = 0;
  for (let i = 0; i < deltas.length; i += 2) {
    x += deltas[i] as number;
    y += deltas[i + 1] as number;
    // Dividing by the integer count of steps per degree rounds correctly (4878986 -> 4.878986, not ...001).
    out[i] = x / STEPS_PER_DEG;
    out[i + 1] = y / STEPS_PER_DEG;
  }
  return out;
}
