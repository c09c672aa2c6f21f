import { createScratchDatabase, type ScratchDatabase } from '@vulgraad/database';
import { testPostgresUrl } from '../support/services';

// The server ends a connection the pool has lent out (a PostgreSQL restart, an
// administrator's pg_terminate_backend). node-postgres then emits 'error' on that
// client; with no listener the process would end. The transaction must fail
// instead, and the pool go on with fresh connections.
describe('a connection ended by the server while checked out', () => {
  let scratch: ScratchDatabase;

  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'terminated', migrate: false });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('fails the transaction that held it, and the next one runs on a new connection', async () => {
    const outcome = scratch.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await scratch.db.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      // Between two queries: the termination arrives while nothing runs on this connection.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.query('SELECT 1');
    });
    await expect(outcome).rejects.toThrow();
    const { rows } = await scratch.db.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]!.one).toBe(1);
  });
});
