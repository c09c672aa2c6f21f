import { parseMessage } from '@vulgraad/payloads';
import { CorrelationIds, readMessage, takeMessage } from './take';

describe(takeMessage.name, () => {
  const message = (payload: string) => ({ topic: 'vulgraad/v1/devices/d1/readings', payload: Buffer.from(payload), receivedAt: new Date('2026-12-07T10:00:00Z') });

  it("keeps the message's own id as its correlation id", () => {
    const m = message('{"v":1,"ts":"2026-12-07T09:59:00.000Z","fillPct":3,"id":"sensor-42"}');
    const sut = takeMessage(m, parseMessage(m.topic, m.payload), new CorrelationIds('ig-x-'));
    expect(sut.correlationId).toBe('sensor-42');
  });

  it('gives a message without one an id of its own, on the reading too, and a rejected message as well', () => {
    const ids = new CorrelationIds('ig-x-');
    const first = readMessage(message('{"v":1,"ts":"2026-12-07T09:59:00.000Z","fillPct":3}'), { maxPayloadBytes: 1024 }, ids);
    const second = readMessage(message('not json'), { maxPayloadBytes: 1024 }, ids);
    expect(first.correlationId).toBe('ig-x-0');
    expect(first.parsed.ok && first.parsed.reading.correlationId).toBe('ig-x-0');
    expect(second).toMatchObject({ correlationId: 'ig-x-1', parsed: { ok: false, reason: 'malformed_json' } });
  });

  it('reads with the size limit it is given', () => {
    const sut = readMessage(message(`{"v":1,"ts":"2026-12-07T09:59:00.000Z","fillPct":3,"pad":"${'x'.repeat(100)}"}`), { maxPayloadBytes: 64 }, new CorrelationIds('p-'));
    expect(sut.parsed).toMatchObject({ ok: false, reason: 'oversize' });
  });
});
