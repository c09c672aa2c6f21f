import { clientIdRefusal, createBrokerAuth, generateSecret, hashSecret, mayPublish, mosquittoFiles, type MqttAccount, type MqttIdentity, verifySecret } from './index';

describe('device credentials', () => {
  it('hashes in the $7$ format and verifies only the right secret', () => {
    const secret = generateSecret();
    const sut = hashSecret(secret, 101);
    expect(sut).toMatch(/^\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(verifySecret(secret, sut)).toBe(true);
    expect(verifySecret(`${secret}x`, sut)).toBe(false);
    expect(verifySecret(secret, 'scrypt$1$2$3')).toBe(false);
    expect(verifySecret(secret, '$7$0$AAAA$BBBB')).toBe(false);
    expect(generateSecret()).not.toBe(secret);
  });
});

describe('topic rules', () => {
  const device: MqttIdentity = { kind: 'device', username: 'sensor-7' };
  const ttn: MqttIdentity = { kind: 'network_server', username: 'ttn', applications: ['waste@city'] };
  it('lets a device publish on its own native topic only', () => {
    expect(mayPublish(device, 'vulgraad/v1/devices/sensor-7/readings')).toBe(true);
    expect(mayPublish(device, 'vulgraad/v1/devices/sensor-8/readings')).toBe(false);
    expect(mayPublish(device, 'vulgraad/v1/devices/sensor-7/readings/extra')).toBe(false);
    expect(mayPublish(device, 'p/vulgraad/v1/devices/sensor-7/readings', 'p/')).toBe(true);
    expect(mayPublish(device, 'vulgraad/v1/devices/sensor-7/readings', 'p/')).toBe(false);
  });
  it('lets a network server publish uplinks of its applications only', () => {
    expect(mayPublish(ttn, 'v3/waste@city/devices/d1/up')).toBe(true);
    expect(mayPublish(ttn, 'v3/other@city/devices/d1/up')).toBe(false);
    expect(mayPublish(ttn, 'vulgraad/v1/devices/d1/readings')).toBe(false);
    expect(mayPublish({ ...ttn, applications: null }, 'application/abc/device/0011223344556677/event/up')).toBe(true);
  });
});

describe(mosquittoFiles.name, () => {
  const hash = hashSecret('s', 101);
  it('writes a user per account with its topics, and skips names the files cannot hold', () => {
    const accounts: MqttAccount[] = [
      { identity: { kind: 'device', username: 'sensor-1' }, passwordHash: hash },
      { identity: { kind: 'service', username: 'ingest' }, passwordHash: hash },
      { identity: { kind: 'network_server', username: 'chirp', applications: ['app-1'] }, passwordHash: hash },
      { identity: { kind: 'device', username: 'bad name' }, passwordHash: hash },
      { identity: { kind: 'device', username: 'old' }, passwordHash: 'scrypt$x' },
    ];
    const sut = mosquittoFiles(accounts, { topicPrefix: 'city/' });
    expect(sut.passwords.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['chirp', 'sensor-1']);
    expect(sut.servicePasswords.split('\n').filter(Boolean).map((l) => l.split(':')[0])).toEqual(['ingest']);
    expect(sut.acl).toContain('user sensor-1\ntopic write city/vulgraad/v1/devices/sensor-1/readings');
    expect(sut.serviceAcl).toContain('user ingest\ntopic readwrite city/vulgraad/v1/#');
    expect(sut.acl).not.toContain('user ingest');
    expect(sut.acl).toContain('topic write city/application/app-1/device/+/event/up');
    expect(sut.skipped.map((s) => s.username)).toEqual(['bad name', 'old']);
  });
  it('keeps vulgraad- names, client ids on the devices\' listener, out of the devices and network servers', () => {
    const sut = mosquittoFiles([
      { identity: { kind: 'device', username: 'vulgraad-ingest-0' }, passwordHash: hash },
      { identity: { kind: 'network_server', username: 'vulgraad-ns', applications: null }, passwordHash: hash },
      { identity: { kind: 'service', username: 'vulgraad-services' }, passwordHash: hash },
    ]);
    expect(sut.passwords).toBe('');
    expect(sut.servicePasswords).toMatch(/^vulgraad-services:/);
    expect(sut.skipped.map((s) => s.username)).toEqual(['vulgraad-ns', 'vulgraad-ingest-0']);
  });
});

describe(createBrokerAuth.name, () => {
  const secret = 'device-secret-1';
  const accounts = new Map<string, MqttAccount>([['sensor-1', { identity: { kind: 'device', username: 'sensor-1' }, passwordHash: hashSecret(secret, 101) }]]);
  const refusals: string[] = [];
  const sut = createBrokerAuth({ lookup: async (u) => accounts.get(u) ?? null, service: { username: 'svc', password: 'service-password' }, onRefused: (e) => refusals.push(`${e.action}:${e.reason}`) });
  const login = (client: { id: string }, username?: string, password?: string): Promise<boolean> =>
    new Promise((resolve) => sut.authenticate(client, username, password === undefined ? undefined : Buffer.from(password), (error, ok) => resolve(!error && ok === true)));
  const publish = (client: { id: string }, topic: string): Promise<boolean> => new Promise((resolve) => sut.authorizePublish(client, { topic }, (error) => resolve(!error)));

  it('logs in a device with its own secret and the service with its password, nobody else', async () => {
    expect(await login({ id: 'sensor-1' }, 'sensor-1', secret)).toBe(true);
    expect(await login({ id: 'sensor-1' }, 'sensor-1', 'wrong')).toBe(false);
    expect(await login({ id: 'c' }, 'nobody', secret)).toBe(false);
    expect(await login({ id: 'd' })).toBe(false);
    expect(await login({ id: 'e' }, 'svc', 'service-password')).toBe(true);
    expect(await login({ id: 'f' }, 'svc', 'service-passwore')).toBe(false);
    expect(refusals.every((r) => !r.includes(secret) && !r.includes('service-password'))).toBe(true);
  });

  it('lets a device publish on its own topic only, and subscribe to nothing', async () => {
    const client = { id: 'sensor-1' };
    expect(await login(client, 'sensor-1', secret)).toBe(true);
    expect(await publish(client, 'vulgraad/v1/devices/sensor-1/readings')).toBe(true);
    expect(await publish(client, 'vulgraad/v1/devices/sensor-2/readings')).toBe(false);
    expect(await publish({ id: 'never-logged-in' }, 'vulgraad/v1/devices/sensor-1/readings')).toBe(false);
    const granted = await new Promise((resolve) => sut.authorizeSubscribe(client, { topic: '#', qos: 1 }, (_e, s) => resolve(s)));
    expect(granted).toBeNull();
  });
});

describe(clientIdRefusal.name, () => {
  it('ties a device\'s client id to its reference and keeps vulgraad- ids for services', () => {
    expect(clientIdRefusal({ kind: 'device', username: 'sensor-1' }, 'sensor-1')).toBeNull();
    expect(clientIdRefusal({ kind: 'device', username: 'sensor-1' }, 'vulgraad-ingest-host')).toMatch(/kept for the system's services/);
    expect(clientIdRefusal({ kind: 'device', username: 'vulgraad-ingest-host' }, 'vulgraad-ingest-host')).toMatch(/kept for the system's services/);
    expect(clientIdRefusal({ kind: 'device', username: 'sensor-1' }, 'sensor-2')).toMatch(/own reference/);
    expect(clientIdRefusal({ kind: 'network_server', username: 'ttn', applications: null }, 'ttn-bridge')).toBeNull();
    expect(clientIdRefusal({ kind: 'network_server', username: 'ttn', applications: null }, 'vulgraad-ingest-0')).toMatch(/kept for the system's services/);
    expect(clientIdRefusal({ kind: 'service', username: 'ingest' }, 'vulgraad-ingest-0')).toBeNull();
  });
});
