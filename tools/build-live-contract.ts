// Writes apps/gateway/public/js/live-contract.js from @vulgraad/contracts:
// the dashboard and the driver's page are plain JavaScript served as they
// are, so they read the live feed's event names, alert severities, stop
// statuses, driver actions, room names and API paths from this generated
// module instead of a copy typed by hand. tools/build-live-contract.spec.ts
// fails when the written file and the contract part ways.
//   npm run build:live-contract
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ALERT_CAUSE_SEVERITY,
  ALERT_SEVERITIES,
  BLOCKED_BY,
  DRIVER_ACTIONS,
  LIVE_API,
  LIVE_EVENTS,
  LIVE_REQUESTS,
  LIVE_ROOMS,
  SKIPPING_DRIVER_ACTIONS,
  STOP_DONE_HOW,
  STOP_STATUSES,
} from '@vulgraad/contracts';

export const LIVE_CONTRACT_JS = path.resolve(__dirname, '..', 'apps', 'gateway', 'public', 'js', 'live-contract.js');

/** A room-name function of the contract as JavaScript source: called with markers, its output shows where each argument goes. */
function roomFunction(fn: (...args: string[]) => string, params: string[]): string {
  const markers = params.map((_, i) => `\uE000${i}\uE000`);
  const sample = fn(...markers);
  const parts = sample.split(/\uE000(\d+)\uE000/);
  const pieces = parts.map((part, i) => (i % 2 === 1 ? `\${${params[Number(part)]}}` : part.replace(/[`\\$]/g, '\\$&')));
  return `(${params.join(', ')}) => \`${pieces.join('')}\``;
}

/** The module's text. */
export function liveContractModule(): string {
  const constant = (name: string, value: unknown): string => `export const ${name} = Object.freeze(${JSON.stringify(value, null, 2)});\n`;
  return [
    '// Written by `npm run build:live-contract` from libs/contracts (live-feed.ts); do not edit by hand.\n',
    constant('LIVE_EVENTS', LIVE_EVENTS),
    constant('LIVE_REQUESTS', LIVE_REQUESTS),
    `export const LIVE_ROOMS = Object.freeze({\n  district: ${roomFunction(LIVE_ROOMS.district, ['district'])},\n  route: ${roomFunction(LIVE_ROOMS.route, ['vehicleId', 'shiftDate'])},\n});\n`,
    constant('ALERT_SEVERITIES', ALERT_SEVERITIES),
    constant('ALERT_CAUSE_SEVERITY', ALERT_CAUSE_SEVERITY),
    constant('STOP_STATUSES', STOP_STATUSES),
    constant('STOP_DONE_HOW', STOP_DONE_HOW),
    constant('DRIVER_ACTIONS', DRIVER_ACTIONS),
    constant('SKIPPING_DRIVER_ACTIONS', SKIPPING_DRIVER_ACTIONS),
    constant('BLOCKED_BY', BLOCKED_BY),
    constant('LIVE_API', LIVE_API),
  ].join('\n');
}

if (require.main === module) {
  writeFileSync(LIVE_CONTRACT_JS, liveContractModule());
  console.log(`wrote ${path.relative(process.cwd(), LIVE_CONTRACT_JS)}`);
}
