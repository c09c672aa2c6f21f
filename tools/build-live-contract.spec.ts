import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { ALERT_CAUSE_SEVERITY, ALERT_SEVERITIES, DRIVER_ACTIONS, LIVE_API, LIVE_EVENTS, LIVE_ROOMS } from '@vulgraad/contracts';
import { LIVE_CONTRACT_JS, liveContractModule } from './build-live-contract';

/** The generated module's exports, evaluated as the browser would (its `export const` made plain). */
function evaluate(source: string): Record<string, unknown> {
  const exports: Record<string, unknown> = {};
  runInNewContext(source.replace(/^export const (\w+) =/gm, 'exports.$1 ='), { exports, Object });
  return exports;
}

describe('the live contract the pages load', () => {
  it('is the module written from @vulgraad/contracts (run `npm run build:live-contract` after changing the contract)', () => {
    expect(readFileSync(LIVE_CONTRACT_JS, 'utf8')).toBe(liveContractModule());
  });

  it('holds the same event names, severities, actions and API paths as the contract', () => {
    const sut = evaluate(readFileSync(LIVE_CONTRACT_JS, 'utf8'));
    expect(sut.LIVE_EVENTS).toEqual(LIVE_EVENTS);
    expect(sut.ALERT_SEVERITIES).toEqual(ALERT_SEVERITIES);
    expect(sut.ALERT_CAUSE_SEVERITY).toEqual(ALERT_CAUSE_SEVERITY);
    expect(sut.DRIVER_ACTIONS).toEqual(DRIVER_ACTIONS);
    expect(sut.LIVE_API).toEqual(LIVE_API);
  });

  it('names rooms as the gateway does', () => {
    const rooms = evaluate(readFileSync(LIVE_CONTRACT_JS, 'utf8')).LIVE_ROOMS as typeof LIVE_ROOMS;
    expect(rooms.district('ams-centrum')).toBe(LIVE_ROOMS.district('ams-centrum'));
    expect(rooms.route('truck-`7${x}', '2026-12-08')).toBe(LIVE_ROOMS.route('truck-`7${x}', '2026-12-08'));
  });
});
