import { apiInstead } from './main';

describe(apiInstead.name, () => {
  it('names the API call for every command that writes the registry, and none for the others', () => {
    for (const command of ['register', 'load-amsterdam', 'bind', 'application', 'device-secret', 'mqtt-account', 'mosquitto-auth']) {
      expect(apiInstead(command)).toMatch(/\/api\/|MOSQUITTO_AUTH_DIR/);
    }
    expect(apiInstead('device-secret')).toBe('POST /api/devices/{id}/secret (the secret is shown once)');
    expect(apiInstead('summary')).toBeNull();
  });
});
