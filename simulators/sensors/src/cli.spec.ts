import { CliError, parseCliArgs } from './cli';

describe(parseCliArgs.name, () => {
  it('has defaults for a quick demo and reads the broker from the environment', () => {
    const sut = parseCliArgs([], { MQTT_URL: 'mqtt://broker:1883' });
    expect(sut).toMatchObject({ city: 'generated', containers: 500, format: 'native', speed: 60, intervalS: 1800, mqttUrl: 'mqtt://broker:1883', qos: 1, durationH: null });
  });

  it('reads the documented example and faults', () => {
    const sut = parseCliArgs(['--city', 'generated', '--containers', '500', '--format', 'ttn-v3', '--mqtt-url', 'mqtt://127.0.0.1:1883', '--speed', '60', '--interval-min', '30', '--fault', 'sens-vul-00001:stuck', '--fault', 'sens-vul-00002:clock_skew=-3600']);
    expect(sut.format).toBe('ttn-v3');
    expect(sut.faults).toEqual([
      { deviceId: 'sens-vul-00001', fault: { kind: 'stuck' } },
      { deviceId: 'sens-vul-00002', fault: { kind: 'clock_skew', skewS: -3600 } },
    ]);
  });

  it('runs as fast as possible only for a bounded time', () => {
    expect(parseCliArgs(['--fast', '--duration-h', '24']).speed).toBe('max');
    expect(() => parseCliArgs(['--fast'])).toThrow(/--duration-h/);
  });

  it('lists every bad argument at once', () => {
    let caught: unknown;
    try {
      parseCliArgs(['--format', 'xml', '--speed=-1', '--interval-min', 'soon', '--fault', 'nocolon', '--start', 'yesterday']);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).problems).toHaveLength(5);
  });

  it('turns an unknown option into a clear error', () => {
    expect(() => parseCliArgs(['--colour', 'red'])).toThrow(CliError);
  });
});
