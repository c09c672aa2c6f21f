import { parseMessage } from '@vulgraad/payloads';
import { rejectedRow } from './reject';
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

  it("keeps a transport's refusal as the message's rejection, without parsing it, and the size the sender sent", () => {
    const refusal = { reason: 'oversize' as const, detail: 'body of 20000 bytes is over 16384', deviceRef: 'd9' };
    const m = { ...message('{"v":1,"ts":"2026-12-07T09:59:00.000Z","fillPct":3}'), refusal, payloadSize: 20000 };
    const ids = new CorrelationIds('r-');
    const read = readMessage(m, { maxPayloadBytes: 1024 }, ids);
    const taken = takeMessage(m, parseMessage(m.topic, m.payload), ids);
    expect(read).toMatchObject({ correlationId: 'r-0', parsed: { ok: false, ...refusal } });
    expect(taken).toMatchObject({ correlationId: 'r-1', parsed: { ok: false, ...refusal } });
    expect(rejectedRow(m, 4, refusal.reason, refusal.detail, {})).toMatchObject({ payloadSize: 20000, payload: Buffer.from('{"v"') });
  });

  it('reads with the size limit it is given', () => {
    const sut = readMessage(message(`{"v":1,"ts":"2026-12-07T09:59:00.000Z","fillPct":3,"pad":"${'x'.repeat(100)}"}`), { maxPayloadBytes: 64 }, new CorrelationIds('p-'));
    expect(sut.parsed).toMatchObject({ ok: false, reason: 'oversize' });
  });
});
