import { Inject, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CLOCK, type Clock, CONFIG, DATABASE, EVENT_BUS } from '@vulgraad/contracts';
import { loadConfig, type Config } from '@vulgraad/config';
import { createScratchDatabase, type Database, type ScratchDatabase } from '@vulgraad/database';
import type { EventBus } from '@vulgraad/events';
import { CoreModule } from '@vulgraad/runtime';
import { testPostgresUrl } from '../support/services';

@Injectable()
class NeedsEverything {
  constructor(
    @Inject(CONFIG) readonly config: Config,
    @Inject(DATABASE) readonly db: Database,
    @Inject(EVENT_BUS) readonly bus: EventBus,
    @Inject(CLOCK) readonly clock: Clock,
  ) {}
}

@Module({ providers: [NeedsEverything] })
class FeatureModule {}

describe(CoreModule.name, () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(testPostgresUrl(), { prefix: 'core_module', migrate: false });
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('opens and migrates the configured database, hands out the shared tokens and closes on shutdown', async () => {
    const config = loadConfig({ DATABASE_URL: scratch.url, DB_MAINTENANCE_INTERVAL_S: '0' });
    @Module({ imports: [CoreModule.forRoot({ config }), FeatureModule] })
    class AppModule {}

    const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
    const sut = app.get(NeedsEverything);
    expect(sut.config).toBe(config);
    expect(sut.db.kind).toBe('postgres');
    const tables = await sut.db.query<{ n: number }>("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'readings'");
    expect(tables.rows[0]?.n).toBe(1);
    expect(sut.clock.now()).toBeInstanceOf(Date);
    const seen: string[] = [];
    await sut.bus.subscribe('vehicle.status', (e) => {
      seen.push(e.vehicleId);
    });
    await sut.bus.publish('vehicle.status', { vehicleId: 't1', district: null, status: 'in_service', at: new Date().toISOString() });
    expect(seen).toEqual(['t1']);

    await app.close();
    await expect(sut.db.query('SELECT 1')).rejects.toThrow();
  });
});
