import { createServer, request, type Server } from 'node:http';
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { gzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { WebhookDispatcher, WebhooksRepository } from '@vulgraad/alerts';
import { InProcessEventBus } from '@vulgraad/events';
import { MAX_ROOMS_PER_SOCKET } from '../../apps/gateway/src/live/live.gateway';
import { seedCity } from '../gateway/support/fixtures';
import { ADMIN_PASSWORD, call, login, type RunningGateway, startGateway } from '../gateway/support/gateway-app';
import { connect, join } from '../gateway/support/socket';
import { testPostgresUrl } from '../support/services';

jest.setTimeout(90_000);

const MAX_FAILURES = 3;

/** A POST from a chosen loopback address (127.0.0.0/8), so each case has client addresses of its own. */
function postFrom(localAddress: string, url: string, body: string | Buffer, headers: Record<string, string | number> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Hostile users against a real gateway on the machine's PostgreSQL: each probe is a door that was open.
describe('probes: a hostile user at the gateway', () => {
  let scratch: ScratchDatabase;
  let gw: RunningGateway;
  let adminToken = '';
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'sec_probe_gw' });
    // Four containers with their devices in Centrum, two in Noord.
    await seedCity(scratch.db, 'hostile');
    gw = await startGateway({ db: scratch.db, bus: new InProcessEventBus(), env: { GATEWAY_LOGIN_MAX_FAILURES: String(MAX_FAILURES), GATEWAY_LOGIN_WINDOW_S: '600' } });
    adminToken = await login(gw.url, 'admin', ADMIN_PASSWORD);
    for (const [username, role, districts] of [['victim', 'viewer', null], ['parallel', 'viewer', null], ['centrum.op', 'operator', ['Centrum']], ['centrum.admin', 'admin', ['Centrum']]] as const) {
      passwords[username] = `${username}-password-${Math.random().toString(36).slice(2)}`;
      expect((await call(`${gw.url}/api/users`, { token: adminToken, body: { username, password: passwords[username], role, districts } })).status).toBe(201);
    }
  });
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await gw?.close();
    await scratch?.drop();
  });

  const loginBody = (username: string, password: string): string => JSON.stringify({ username, password });

  const as = async (username: string): Promise<string> => login(gw.url, username, passwords[username]!);
  /** A device bound now in the district, and its container (seedCity's order of ids is the database's). */
  const deviceIn = async (district: string): Promise<{ id: string; ref: string; containerId: string; containerRef: string }> => {
    const { rows } = await scratch.db.query<{ id: string; ref: string; container_id: string; container_ref: string }>(
      `SELECT d.id, d.external_ref AS ref, c.id AS container_id, c.external_ref AS container_ref FROM devices d
       JOIN device_bindings b ON b.device_id = d.id AND b.valid_to IS NULL JOIN containers c ON c.id = b.container_id
       WHERE c.district = $1 ORDER BY d.external_ref LIMIT 1`, [district]);
    return { id: rows[0]!.id, ref: rows[0]!.ref, containerId: rows[0]!.container_id, containerRef: rows[0]!.container_ref };
  };

  it('probe 4: an operator of one district cannot re-home another district\'s container through the import', async () => {
    const token = await as('centrum.op');
    const noord = await deviceIn('Noord');
    const csv = ['external_ref,lng,lat,district,waste_type,volume_l', `${noord.containerRef},4.9,52.37,Centrum,residual,5000`].join('\n');
    const imported = await call<{ rejected: number; rows: Array<{ errors: Array<{ field: string; message: string }> }> }>(`${gw.url}/api/containers/import`, { token, body: csv, contentType: 'text/csv' });
    expect(imported.status).toBe(200);
    expect(imported.body.rejected).toBe(1);
    expect(imported.body.rows[0]!.errors).toEqual([{ field: 'district', message: expect.stringContaining('Noord') }]);
    const { rows } = await scratch.db.query<{ district: string }>('SELECT district FROM containers WHERE id = $1', [noord.containerId]);
    expect(rows[0]!.district).toBe('Noord');
  });

  it('probe 4: an operator of one district cannot read, register over, bind or unbind another district\'s device', async () => {
    const token = await as('centrum.op');
    const noord = await deviceIn('Noord');
    const centrum = await deviceIn('Centrum');
    const noordDevice = noord.id;
    expect((await call(`${gw.url}/api/devices/${noordDevice}`, { token })).status).toBe(403);
    expect((await call(`${gw.url}/api/devices?ref=${noord.ref}`, { token })).body).toEqual([]);
    expect((await call(`${gw.url}/api/devices`, { token, body: { externalRef: noord.ref, model: 'dingtek-df702' } })).status).toBe(403);
    expect((await call(`${gw.url}/api/devices/${noordDevice}/bind`, { token, body: { containerId: centrum.containerId } })).status).toBe(403);
    expect((await call(`${gw.url}/api/devices/${noordDevice}/unbind`, { token, body: {} })).status).toBe(403);
    const { rows } = await scratch.db.query<{ container_id: string; model: string | null }>(
      'SELECT b.container_id, d.model FROM devices d JOIN device_bindings b ON b.device_id = d.id AND b.valid_to IS NULL WHERE d.id = $1', [noordDevice]);
    expect(rows).toEqual([{ container_id: noord.containerId, model: null }]);
    // Its own district's devices stay its to manage.
    expect((await call(`${gw.url}/api/devices/${centrum.id}`, { token })).status).toBe(200);
  });

  it('probe 4: alert settings and rejected messages are scoped to the user\'s districts', async () => {
    expect((await call(`${gw.url}/api/alert-settings/Noord`, { token: await as('centrum.op') })).status).toBe(403);
    expect((await call(`${gw.url}/api/alert-settings/Centrum`, { token: await as('centrum.op') })).status).toBe(200);
    expect((await call(`${gw.url}/api/alert-settings/Noord`, { method: 'PUT', token: await as('centrum.admin'), body: { fullPct: 50 } })).status).toBe(403);
    const [noord, centrum] = [await deviceIn('Noord'), await deviceIn('Centrum')];
    for (const ref of [centrum.ref, noord.ref, 'never-registered']) {
      await scratch.db.query("INSERT INTO rejected_messages (received_at, topic, payload, payload_size, reason, detail, device_ref) VALUES (now(), 't', '\\x00', 1, 'wrong_type', 'probe', $1)", [ref]);
    }
    const seen = await call<{ counts: Record<string, number>; messages: Array<{ deviceRef: string }> }>(`${gw.url}/api/rejected-messages`, { token: await as('centrum.op') });
    expect(seen.body.messages.map((m) => m.deviceRef)).toEqual([centrum.ref]);
    expect(seen.body.counts).toEqual({ wrong_type: 1 });
  });

  it('probe 3: a later GATEWAY_ADMIN_PASSWORD replaces the admin\'s password', async () => {
    const rotated = 'rotated-admin-password-1';
    // This gateway has the admin in its cache of users from here on.
    expect((await call(`${gw.url}/api/users`, { token: adminToken })).status).toBe(200);
    const again = await startGateway({ db: scratch.db, env: { GATEWAY_ADMIN_PASSWORD: rotated } });
    try {
      expect((await call(`${again.url}/api/auth/login`, { body: { username: 'admin', password: ADMIN_PASSWORD } })).status).toBe(401);
      expect((await call(`${again.url}/api/auth/login`, { body: { username: 'admin', password: rotated } })).status).toBe(200);
      // A token issued with the old password no longer opens anything.
      expect((await call(`${again.url}/api/users`, { token: adminToken })).status).toBe(401);
    } finally {
      await again.close();
    }
    // Back to the password the other probes use.
    const back = await startGateway({ db: scratch.db });
    await back.close();
    adminToken = await login(gw.url, 'admin', ADMIN_PASSWORD);
    // A token issued after the change opens the gateway at once, although it still cached the admin as it was.
    expect((await call(`${gw.url}/api/users`, { token: adminToken })).status).toBe(200);
  });

  it('probe 3: an admin that still has the demo password is disabled when no GATEWAY_ADMIN_PASSWORD is set', async () => {
    const demo = await startGateway({ db: scratch.db, env: { GATEWAY_ADMIN_USERNAME: 'demo-admin', GATEWAY_ADMIN_PASSWORD: 'vulgraad-demo' } });
    expect((await call(`${demo.url}/api/auth/login`, { body: { username: 'demo-admin', password: 'vulgraad-demo' } })).status).toBe(200);
    await demo.close();
    const real = await startGateway({ db: scratch.db, env: { GATEWAY_ADMIN_USERNAME: 'demo-admin', GATEWAY_ADMIN_PASSWORD: '' } });
    try {
      expect((await call(`${real.url}/api/auth/login`, { body: { username: 'demo-admin', password: 'vulgraad-demo' } })).status).toBe(401);
    } finally {
      await real.close();
    }
  });

  it('probe 5: parallel wrong logins are counted while they are checked', async () => {
    const url = `${gw.url}/api/auth/login`;
    const answers = await Promise.all(Array.from({ length: 20 }, () => postFrom('127.0.3.1', url, loginBody('parallel', 'wrong password'))));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20 - MAX_FAILURES);
  });

  it('probe 5: failures from one address do not lock the user out from another', async () => {
    const url = `${gw.url}/api/auth/login`;
    for (let i = 0; i < MAX_FAILURES + 2; i++) expect([401, 429]).toContain((await postFrom('127.0.3.2', url, loginBody('victim', 'wrong password'))).status);
    expect((await postFrom('127.0.3.2', url, loginBody('victim', passwords.victim!))).status).toBe(429);
    expect((await postFrom('127.0.3.3', url, loginBody('victim', passwords.victim!))).status).toBe(200);
  });

  it('probe 9: a compressed body is refused outside the import, whatever its Content-Length says', async () => {
    const inflated = Buffer.from(JSON.stringify({ username: 'admin', password: 'p'.repeat(3 * 1024 * 1024) }));
    const compressed = gzipSync(inflated);
    expect(compressed.byteLength).toBeLessThan(64 * 1024);
    const answer = await postFrom('127.0.3.4', `${gw.url}/api/auth/login`, compressed, { 'content-encoding': 'gzip' });
    expect(answer.status).toBe(415);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 415, field: 'body' });
  });

  it('probe 9: a NUL character in a JSON body or a query is a 400, not a 500', async () => {
    const operator = await as('centrum.op');
    const login = await postFrom('127.0.3.5', `${gw.url}/api/auth/login`, JSON.stringify({ username: 'admin\u0000', password: 'whatever-password' }));
    expect(login.status).toBe(400);
    expect(JSON.parse(login.body)).toMatchObject({ statusCode: 400, field: 'body', message: expect.stringContaining('NUL') });
    const container = await call(`${gw.url}/api/containers`, { token: operator, body: { externalRef: 'nul-1', lng: 4.9, lat: 52.37, district: 'Centrum', wasteType: 'glass', volumeL: 3000, address: 'Dam\u00001' } });
    expect(container.status).toBe(400);
    const device = await call(`${gw.url}/api/devices`, { token: operator, body: { externalRef: 'nul\u0000device' } });
    expect(device.status).toBe(400);
    const query = await call(`${gw.url}/api/devices?ref=a%00b`, { token: operator });
    expect(query.status).toBe(400);
  });

  it('probe 9: a socket is in a bounded number of rooms', async () => {
    const socket = await connect(gw.url, adminToken);
    sockets.push(socket);
    const joined: string[] = [];
    const refused: string[] = [];
    for (let round = 0; round < 3; round++) {
      const answer = await join(socket, Array.from({ length: 100 }, (_, i) => `district:probe-${round}-${i}`));
      joined.push(...answer.joined);
      refused.push(...answer.refused.map((r) => r.reason));
    }
    expect(joined).toHaveLength(MAX_ROOMS_PER_SOCKET);
    expect(refused).toHaveLength(300 - MAX_ROOMS_PER_SOCKET);
    expect(refused[0]).toMatch(/at most \d+ rooms/);
  });

  it('probe 9: the socket token is not taken from the query string', async () => {
    const socket = io(gw.url, { transports: ['websocket'], query: { token: adminToken }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/unauthenticated/);
  });

  it('probe 9: webhooks reach neither loopback nor private addresses, and redirects are not followed', async () => {
    const secret = 'sixteen-chars-secret-1';
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://192.168.1.10/hook']) {
      expect(await call(`${gw.url}/api/webhooks`, { token: adminToken, body: { url, secret, causes: ['temperature_high'] } })).toMatchObject({ status: 400, body: { field: 'url' } });
    }

    // Receivers on loopback: one that counts what reaches it, one that redirects there.
    const hits: string[] = [];
    const servers: Server[] = [];
    const listen = async (handler: Parameters<typeof createServer>[1]): Promise<number> => {
      const server = createServer(handler);
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    const target = await listen((req, res) => {
      hits.push(req.url ?? '');
      res.end('ok');
    });
    const redirector = await listen((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${target}/redirected` });
      res.end();
    });
    const repository = new WebhooksRepository(scratch.db);
    const deliver = async (url: string, allowPrivateTargets: boolean): Promise<{ status: string; last_error: string | null }> => {
      const hook = await repository.create({ url, secret }, 'admin');
      // Due a second ago: the dispatcher compares with a JavaScript Date (milliseconds), and PostgreSQL's now() in the
      // same millisecond is later by its microseconds, which left the delivery not yet due in one run.
      const { rows } = await scratch.db.query<{ id: number }>(
        `INSERT INTO webhook_deliveries (webhook_id, event, payload, next_attempt_at, created_at) VALUES ($1, 'alert.opened', '{}', now() - interval '1 second', now()) RETURNING id`, [hook.id]);
      const dispatcher = new WebhookDispatcher(repository, { now: () => new Date() }, { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 5000, pollMs: 60_000, batchSize: 50, allowPrivateTargets });
      await dispatcher.runOnce();
      return (await scratch.db.query<{ status: string; last_error: string | null }>('SELECT status, last_error FROM webhook_deliveries WHERE id = $1', [rows[0]!.id])).rows[0]!;
    };
    try {
      // A name that resolves to this machine (the host's own name, 127.0.0.1 in /etc/hosts), checked where the delivery is sent.
      const name = hostname();
      expect(await lookup(name, { all: true })).toContainEqual({ address: '127.0.0.1', family: 4 });
      const resolved = await deliver(`http://${name}:${target}/by-name`, false);
      // Inside the deployment (allowed): a redirect elsewhere is an answer, not a hop.
      const redirected = await deliver(`http://127.0.0.1:${redirector}/hook`, true);
      expect(hits).toEqual([]);
      expect([resolved.last_error, redirected.last_error]).toEqual([expect.stringContaining(`not sent: ${name} resolves to 127.0.0.1`), expect.stringMatching(/302 \(redirects are not followed\)/)]);
    } finally {
      for (const server of servers) server.close();
    }
  });
});
