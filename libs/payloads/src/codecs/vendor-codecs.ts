import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeUplink, type DecodeUplinkResult } from '../decoders';
import { applyMapping, type CodecMapping, mappingProblems } from './codec-mapping';
import { CodecSandbox, type CodecLimits } from './codec-sandbox';

/** The file that names a model's codec and its mapping: `<anything>.codec.json` in the codecs folder. */
export const CODEC_FILE_SUFFIX = '.codec.json';

interface CodecFile {
  model: string;
  codec: string;
  fields: CodecMapping['fields'];
  alarms?: CodecMapping['alarms'];
}

/** The models named by the codec files of a folder (lower-case), without loading any codec. */
export function listCodecModels(dir: string): string[] {
  if (!dir) return [];
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith(CODEC_FILE_SUFFIX))
      .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { model?: unknown }).model)
      .filter((m): m is string => typeof m === 'string')
      .map((m) => m.toLowerCase());
  } catch {
    return [];
  }
}

/**
 * Vendor codecs in The Things Network's device-repository format, each in a
 * sandbox, with the mapping of its output to reading fields. A folder holds
 * `<name>.codec.json` files (`{ "model", "codec": "<file>.js", "fields",
 * "alarms" }`) beside the codec sources. A model with a codec here is decoded
 * by it; every other model by the decoders written for vulgraad.
 */
export class VendorCodecs {
  private constructor(private readonly codecs: Map<string, { sandbox: CodecSandbox; mapping: CodecMapping }>) {}

  /** Loads every codec of the folder; fails naming the file when one cannot be used. */
  static async loadDir(dir: string, limits: Partial<CodecLimits> = {}): Promise<VendorCodecs> {
    const codecs = new Map<string, { sandbox: CodecSandbox; mapping: CodecMapping }>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith(CODEC_FILE_SUFFIX)).sort()) {
      const where = path.join(dir, file);
      let spec: CodecFile;
      try {
        spec = JSON.parse(readFileSync(where, 'utf8')) as CodecFile;
      } catch (error) {
        throw new Error(`${where}: not JSON (${(error as Error).message})`, { cause: error });
      }
      if (typeof spec.model !== 'string' || spec.model === '') throw new Error(`${where}: "model" is missing`);
      if (typeof spec.codec !== 'string' || spec.codec === '') throw new Error(`${where}: "codec" (the codec's .js file) is missing`);
      const problems = mappingProblems(spec);
      if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
      const source = readFileSync(path.resolve(dir, spec.codec), 'utf8');
      const sandbox = await CodecSandbox.load(spec.model, source, limits);
      codecs.set(spec.model.toLowerCase(), { sandbox, mapping: { fields: spec.fields, alarms: spec.alarms } });
    }
    return new VendorCodecs(codecs);
  }

  /** Codecs given in code (tests, embedding). */
  static async of(entries: Array<{ model: string; source: string; mapping: CodecMapping }>, limits: Partial<CodecLimits> = {}): Promise<VendorCodecs> {
    const codecs = new Map<string, { sandbox: CodecSandbox; mapping: CodecMapping }>();
    for (const entry of entries) codecs.set(entry.model.toLowerCase(), { sandbox: await CodecSandbox.load(entry.model, entry.source, limits), mapping: entry.mapping });
    return new VendorCodecs(codecs);
  }

  models(): string[] {
    return [...this.codecs.keys()];
  }

  /** Decodes with the model's codec when it has one, else with the built-in decoders. Never throws. */
  decode(model: string, fPort: number, bytes: Uint8Array): DecodeUplinkResult {
    const codec = this.codecs.get(model.toLowerCase());
    if (!codec) return decodeUplink(model, fPort, bytes);
    const outcome = codec.sandbox.decode({ bytes: [...bytes], fPort });
    if (!outcome.ok) return { ok: false, reason: 'undecodable_payload', detail: outcome.detail };
    const mapped = applyMapping(codec.mapping, outcome.data);
    if (!mapped.ok) return { ok: false, reason: 'undecodable_payload', detail: `codec ${model}: ${mapped.detail}` };
    return { ok: true, fields: { ...mapped.fields, decodedBy: model } };
  }

  dispose(): void {
    for (const { sandbox } of this.codecs.values()) sandbox.dispose();
    this.codecs.clear();
  }
}
