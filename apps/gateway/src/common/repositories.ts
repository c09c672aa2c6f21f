import type { Provider } from '@nestjs/common';
import { AlertsRepository, WebhooksRepository } from '@vulgraad/alerts';
import {
  CollectionsRepository,
  ContainersRepository,
  DepotsRepository,
  DevicesRepository,
  DisposalSitesRepository,
  ReadingsRepository,
  RejectedMessagesRepository,
  VehiclePositionsRepository,
  VehiclesRepository,
} from '@vulgraad/database';
import { DistrictSettingsRepository, PlannerEditsRepository, PlansRepository } from '@vulgraad/planning';
import { repositoryProviders as build, type RepositoryClass } from '@vulgraad/runtime';

/** The repositories of other parts the gateway reads and writes through, each built once on the shared database. */
const classes: RepositoryClass[] = [
  ContainersRepository,
  DevicesRepository,
  ReadingsRepository,
  CollectionsRepository,
  RejectedMessagesRepository,
  VehiclesRepository,
  VehiclePositionsRepository,
  DepotsRepository,
  DisposalSitesRepository,
  DistrictSettingsRepository,
  AlertsRepository,
  WebhooksRepository,
  PlansRepository,
  PlannerEditsRepository,
];

export const repositoryProviders: Provider[] = build(classes);
