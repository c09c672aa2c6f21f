import type { Provider } from '@nestjs/common';
import { DATABASE } from '@vulgraad/contracts';
import type { Database } from '@vulgraad/database';

/** A repository built on the process's database (every repository of the libs takes one). */
export type RepositoryClass = new (db: Database) => object;

/**
 * Nest providers for repositories, each built once on the DATABASE of
 * CoreModule and injected by its class, so a service lists what it reads and
 * writes in its constructor instead of building repositories itself.
 */
export function repositoryProviders(classes: readonly RepositoryClass[]): Provider[] {
  return classes.map((repository) => ({ provide: repository, inject: [DATABASE], useFactory: (db: Database) => new repository(db) }));
}
