import type { Provider } from '@nestjs/common';
import { AlertsRepository, WebhooksRepository } from '@vulgraad/alerts';
import { DATABASE } from '@vulgraad/contracts';
import {
  CollectionsRepository,
  ContainersRepository,
  DepotsRepository,
  DevicesRepository,
  DisposalSitesRepository,
  ReadingsRepository,
  RejectedMessagesRepository,
  VehiclesRepository,
  type Database,
} from '@vulgraad/database';
import { DistrictSettingsRepository, PlannerEditsRepository, PlansRepository } from '@vulgraad/planning';

type RepositoryClass = new (db: Database) => object;

/** The repositories of other parts the gateway reads and writes through, each built once on the shared database. */
const classes: RepositoryClass[] = [
  ContainersRepository,
  DevicesRepository,
  ReadingsRepository,
  CollectionsRepository,
  RejectedMessagesRepository,
  VehiclesRepository,
  DepotsRepository,
  DisposalSitesRepository,
  DistrictSettingsRepository,
  AlertsRepository,
  WebhooksRepository,
  PlansRepository,
  PlannerEditsRepository,
];

export const repositoryProviders: Provider[] = classes.map((cls) => ({
  provide: cls,
  inject: [DATABASE],
  useFactory: (db: Database) => new cls(db),
}));
