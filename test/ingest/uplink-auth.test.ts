import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { generateSecret, hashSecret, HttpIntegrationsRepository } from '@vulgraad/security';
import { UplinkAuth } from '../../apps/ingest/src/http';
import { testPostgresUrl } from '../support/services';

// The secret check of the HTTP doors remembers a secret that passed, so that
// later requests skip PBKDF2 and the registry: against a real registry, what
// it remembers must never let a wrong secret through, and a secret changed in
// the registry must take over once the remembered entry is read again.
describe(UplinkAuth.name, () => {
  let scratch: ScratchDatabase;
  let nowMs = 1_000_000;
  const ttlMs = 30_000;
  const register = async (name: string, secret: string): Promise<void> => {
    await new HttpIntegrationsRepository(scratch.db).upsert({ name, kind: 'tts', secretHash: hashSecret(secret), kpnSharedSecret: null, applications: ['waste'] });
  };
  const headers = (secret: string) => ({ 'x-vulgraad-secret': secret });

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'ingest_uplink_auth' });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('answers from memory once the registry was read, and a wrong secret still fails', async () => {
    const secret = generateSecret();
    await register('remembered', secret);
    const sut = new UplinkAuth(scratch.db, ttlMs, () => nowMs);

    const first = sut.check('tts', 'remembered', headers(secret), Buffer.alloc(0));
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ ok: true, sender: { route: 'tts', name: 'remembered', applications: ['waste'] } });

    const second = sut.check('tts', 'remembered', headers(secret), Buffer.alloc(0));
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toMatchObject({ ok: true });

    // Same length, one character off; a prefix; the secret with a character more.
    const changed = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const wrong of [changed, secret.slice(0, -1), `${secret}x`]) {
      expect(await sut.check('tts', 'remembered', headers(wrong), Buffer.alloc(0))).toMatchObject({ ok: false, status: 401, detail: 'wrong secret for tts integration "remembered"' });
    }
    // A wrong secret does not displace the remembered one.
    expect(sut.check('tts', 'remembered', { authorization: `Bearer ${secret}` }, Buffer.alloc(0))).toMatchObject({ ok: true });
  });

  it('takes a secret changed in the registry: the new one passes after a second, the old one fails once the entry is read again', async () => {
    const oldSecret = generateSecret();
    const newSecret = generateSecret();
    await register('rotated', oldSecret);
    const sut = new UplinkAuth(scratch.db, ttlMs, () => nowMs);
    expect(await sut.check('tts', 'rotated', headers(oldSecret), Buffer.alloc(0))).toMatchObject({ ok: true });

    await register('rotated', newSecret);
    nowMs += 1500;
    expect(await sut.check('tts', 'rotated', headers(newSecret), Buffer.alloc(0))).toMatchObject({ ok: true });
    expect(await sut.check('tts', 'rotated', headers(oldSecret), Buffer.alloc(0))).toMatchObject({ ok: false, status: 401 });

    // A removed integration is refused once its remembered entry expires.
    await scratch.db.query(`DELETE FROM http_integrations WHERE name = $1`, ['rotated']);
    nowMs += ttlMs + 1;
    expect(await sut.check('tts', 'rotated', headers(newSecret), Buffer.alloc(0))).toMatchObject({ ok: false, status: 401 });
  });

  it('answers the requests of one registry entry with one outcome, and with the applications of the entry read again once they changed', async () => {
    const secret = generateSecret();
    const secretHash = hashSecret(secret);
    const integrations = new HttpIntegrationsRepository(scratch.db);
    await integrations.upsert({ name: 'apps', kind: 'tts', secretHash, kpnSharedSecret: null, applications: ['north'] });
    const sut = new UplinkAuth(scratch.db, ttlMs, () => nowMs);

    const first = await sut.check('tts', 'apps', headers(secret), Buffer.alloc(0));
    expect(first).toEqual({ ok: true, sender: { route: 'tts', name: 'apps', applications: ['north'] } });
    expect(sut.check('tts', 'apps', headers(secret), Buffer.alloc(0))).toBe(first);

    // The same secret, other applications: once the entry is read again, the outcome says so.
    await integrations.upsert({ name: 'apps', kind: 'tts', secretHash, kpnSharedSecret: null, applications: ['south'] });
    nowMs += ttlMs + 1;
    const reread = await sut.check('tts', 'apps', headers(secret), Buffer.alloc(0));
    expect(reread).toEqual({ ok: true, sender: { route: 'tts', name: 'apps', applications: ['south'] } });
    expect(sut.check('tts', 'apps', headers(secret), Buffer.alloc(0))).toBe(reread);
  });
});
