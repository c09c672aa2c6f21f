import { formatReport, runPayloadFuzz } from './payload-fuzz';

// A smaller run of `npm run fuzz` (which runs 1,000,000): generated and mutated native, TTN v3 and
// ChirpStack v4 messages through parseMessage and the decoders; nothing may escape.
describe('payload parsers under fuzzing', () => {
  it('accept or reject with a reason each of 20,000 generated and mutated payloads', () => {
    const report = runPayloadFuzz({ count: 20_000 });
    const lines = formatReport(report, 0);
    // A new seed each run; a failure names it: `npm run fuzz -- --seed <seed> --count 20000` repeats the run.
    expect({ seed: report.seed, escaped: report.escaped, failures: lines.filter((l) => l.startsWith('ESCAPED')) }).toEqual({ seed: report.seed, escaped: 0, failures: [] });
    expect(report.payloads).toBe(20_000);
    expect(report.accepted + report.rejected).toBe(20_000);
    // The generator reaches both sides of every format: valid readings and each kind of rejection.
    for (const format of ['native', 'ttn-v3', 'chirpstack-v4']) {
      expect(report.outcomes.get(`${format} accepted`)).toBeGreaterThan(100);
      expect(report.outcomes.get(`${format} rejected:malformed_json`)).toBeGreaterThan(10);
      expect(report.outcomes.get(`${format} rejected:unknown_topic`)).toBeGreaterThan(10);
    }
    for (const reason of ['wrong_type', 'missing_field', 'oversize', 'unsupported_version']) {
      expect([...report.outcomes].filter(([key]) => key.endsWith(`rejected:${reason}`)).reduce((sum, [, n]) => sum + n, 0)).toBeGreaterThan(0);
    }
    expect(report.decoder.get('decoded')).toBeGreaterThan(0);
  });
});
