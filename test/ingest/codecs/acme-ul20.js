/* eslint-disable @typescript-eslint/no-unused-vars, no-empty -- a codec file: the sandbox calls decodeUplink, and one frame loops on purpose */
// A codec in The Things Network's device-repository format for a made-up
// ultrasonic level sensor, written for the tests: FPort 2, bytes 0-1 distance
// in cm, 2-3 battery in mV, 4 temperature in °C (signed), 5 flags (bit 0 fire).
// Frame 0xFF on FPort 99 makes it loop, 0xEE throw, 0xDD return nonsense.
function decodeUplink(input) {
  var b = input.bytes;
  if (input.fPort === 99 && b[0] === 0xff) { for (;;) {} }
  if (input.fPort === 99 && b[0] === 0xee) { throw new Error('corrupt frame'); }
  if (input.fPort === 99 && b[0] === 0xdd) { return { data: { distance: 'far' } }; }
  if (input.fPort !== 2) return { errors: ['unknown FPort ' + input.fPort] };
  if (b.length < 6) return { errors: ['frame too short: ' + b.length + ' bytes'] };
  var temp = b[4] > 127 ? b[4] - 256 : b[4];
  return {
    data: { distance: (b[0] << 8) | b[1], battery: { voltage: (b[2] << 8) | b[3] }, temperature: temp, alarms: { fire: (b[5] & 1) === 1 } },
    warnings: [],
  };
}
