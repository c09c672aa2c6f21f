import { ConfigError, describeConfig, loadConfig } from './index';

describe(loadConfig.name, () => {
  it('uses the defaults when nothing is set', () => {
    const sut = loadConfig({});
    expect(sut.core.databaseUrl).toBeNull();
    expect(sut.core.embeddedMqttPort).toBe(1884);
  });

  it('lists every bad variable in one error and hides secrets', () => {
    let caught: unknown;
    try {
      loadConfig({ EMBEDDED_MQTT_PORT: 'abc', LOG_LEVEL: 'loud', LOG_JSON: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/EMBEDDED_MQTT_PORT.*integer/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL.*one of/);
  });

  it('describes every variable with its default', () => {
    const names = describeConfig().map((v) => v.name);
    expect(names).toContain('DATABASE_URL');
    expect(new Set(names).size).toBe(names.length);
  });
});
