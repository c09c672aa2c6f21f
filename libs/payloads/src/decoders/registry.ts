import type { DeviceDecoder } from './types';

/** Model names are matched without regard to case or surrounding blanks. */
export function modelKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Finds a decoder by its model id or any alias. */
export class DecoderRegistry {
  private readonly byKey = new Map<string, DeviceDecoder>();

  constructor(readonly decoders: readonly DeviceDecoder[]) {
    for (const decoder of decoders) {
      for (const name of [decoder.model, ...decoder.aliases]) {
        const key = modelKey(name);
        const taken = this.byKey.get(key);
        if (taken && taken !== decoder) {
          throw new Error(`decoder name "${name}" is claimed by both ${taken.model} and ${decoder.model}`);
        }
        this.byKey.set(key, decoder);
      }
    }
  }

  find(model: string): DeviceDecoder | undefined {
    return this.byKey.get(modelKey(model));
  }
}
