import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';
import { repositoryProviders } from './repositories';

class ThingsRepository {
  constructor(readonly db: Database) {}
}
class OtherRepository {
  constructor(readonly db: Database) {}
}

@Injectable()
class ThingsService {
  constructor(
    readonly things: ThingsRepository,
    readonly others: OtherRepository,
  ) {}
}

describe(repositoryProviders.name, () => {
  it('builds each repository once on the DATABASE and injects it by its class', async () => {
    const db = { kind: 'postgres' } as unknown as Database;
    @Module({ providers: [{ provide: DATABASE, useValue: db }, ...repositoryProviders([ThingsRepository, OtherRepository]), ThingsService] })
    class TestModule {}
    const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
    try {
      const sut = app.get(ThingsService);
      expect(sut.things).toBeInstanceOf(ThingsRepository);
      expect(sut.others).toBeInstanceOf(OtherRepository);
      expect(sut.things.db).toBe(db);
      expect(app.get(ThingsRepository)).toBe(sut.things);
    } finally {
      await app.close();
    }
  });
});
