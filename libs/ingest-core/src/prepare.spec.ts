import { decodeUplink, DEFAULT_QUALITY_THRESHOLDS } from '@vulgraad/payloads';
import { prepareBatch, type LoadableRegistry } from './prepare';
import { nativeTaken, SPEC_OPTIONS, specRegistry, taken, type SpecDevice } from './spec-helpers';

describe(prepareBatch.name, () => {
  it('loads what the batch names before each step reads it, and joins the rejects of both steps', async () => {
    const view = specRegistry([{ ref: 'd1', containerId: 'c1' }, { ref: 'd2', containerId: 'gone' }], { c1: { district: 'West', wasteType: 'paper', depthMm: 1000 } });
    const loaded: string[] = [];
    const sut: LoadableRegistry<SpecDevice> = {
      ...view,
      loadDevices: async (refs) => void loaded.push(`devices ${[...refs].join(',')}`),
      loadContainers: async (ids) => void loaded.push(`containers ${[...ids].join(',')}`),
    };
    const batch = [nativeTaken('d1', { fillPct: 10 }), nativeTaken('d2', { fillPct: 20 }), taken('x/y', '{}')];
    const prepared = await prepareBatch(batch, sut, { decode: decodeUplink }, {
      ...SPEC_OPTIONS, thresholds: DEFAULT_QUALITY_THRESHOLDS,
    });
    expect(loaded).toEqual(['devices d1,d2', 'containers c1,gone']);
    expect(prepared.rows.map((r) => r.containerId)).toEqual(['c1']);
    expect(prepared.rejects.map((r) => r.reason)).toEqual(['unknown_topic', 'unbound_device']);
    // Each rejected row names the message it was made from, so a transport waiting for it can be told why.
    expect(prepared.rejectedFrom).toEqual([batch[2], batch[1]]);
  });
});
