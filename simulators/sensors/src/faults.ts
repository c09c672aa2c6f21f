/**
 * Faults a sensor can be given on demand, as real ones show them in the field.
 * Several can be active on one device at once.
 */
export type Fault =
  /** The reported distance freezes at the last value (a fouled transducer, a firmware hang). */
  | { kind: 'stuck' }
  /** Nothing arrives (out of coverage, broken antenna); the frame counter still advances. */
  | { kind: 'silence' }
  /** The battery drains this many percentage points per reading; at 0 the device dies. */
  | { kind: 'battery_drain'; pctPerReading: number }
  /** With this probability a reading is a spike: an echo off the lid or a bag (very short) or no echo (maximum range). */
  | { kind: 'spikes'; probability: number }
  /**
   * The clock that stamps the reading is off by this many seconds (positive =
   * ahead): the device's own in the native format, the network server's in the
   * LoRaWAN formats (their devices carry no clock).
   */
  | { kind: 'clock_skew'; skewS: number }
  /** The temperature rises to this many degrees Celsius: a fire in the container. */
  | { kind: 'fire'; temperatureC: number }
  /** The sensor is knocked off its mounting and measures the shaft wall, not the waste. */
  | { kind: 'tilt'; tiltDeg: number };

export type FaultKind = Fault['kind'];

export const FAULT_KINDS: readonly FaultKind[] = ['stuck', 'silence', 'battery_drain', 'spikes', 'clock_skew', 'fire', 'tilt'];

/** A fault with its usual parameters. */
export function defaultFault(kind: FaultKind): Fault {
  switch (kind) {
    case 'stuck':
      return { kind };
    case 'silence':
      return { kind };
    case 'battery_drain':
      return { kind, pctPerReading: 5 };
    case 'spikes':
      return { kind, probability: 0.3 };
    case 'clock_skew':
      return { kind, skewS: 6 * 3600 };
    case 'fire':
      return { kind, temperatureC: 85 };
    case 'tilt':
      return { kind, tiltDeg: 35 };
  }
}

/**
 * Reads `kind` or `kind=value` (value: drain %, spike probability, skew
 * seconds, fire temperature, tilt degrees). Throws with the accepted forms.
 */
export function parseFault(text: string): Fault {
  const [kindText, valueText] = text.split('=', 2) as [string, string | undefined];
  const kind = kindText.trim() as FaultKind;
  if (!FAULT_KINDS.includes(kind)) throw new RangeError(`unknown fault "${kindText}"; use one of ${FAULT_KINDS.join(', ')} (optionally =value)`);
  const fault = defaultFault(kind);
  if (valueText === undefined) return fault;
  const value = Number(valueText);
  if (!Number.isFinite(value)) throw new RangeError(`fault ${kind}: "${valueText}" is not a number`);
  switch (fault.kind) {
    case 'stuck':
    case 'silence':
      throw new RangeError(`fault ${kind} takes no value`);
    case 'battery_drain':
      return { kind: fault.kind, pctPerReading: value };
    case 'spikes':
      if (value < 0 || value > 1) throw new RangeError('fault spikes: probability must be 0..1');
      return { kind: fault.kind, probability: value };
    case 'clock_skew':
      return { kind: fault.kind, skewS: value };
    case 'fire':
      return { kind: fault.kind, temperatureC: value };
    case 'tilt':
      return { kind: fault.kind, tiltDeg: value };
  }
}
