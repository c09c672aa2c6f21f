import {
  ContainersRepository, type Database, DevicesRepository, DepotsRepository, DisposalSitesRepository, DistrictsRepository,
} from '@vulgraad/database';
import type { RegistrationSet } from './registration-file';
import { RegistrationFileError } from './registration-file';

/** How many rows of each kind a registration wrote. */
export interface RegistrationCounts {
  containers: number;
  devices: number;
  bindingsOpened: number;
  applications: number;
  districts: number;
  depots: number;
  disposalSites: number;
}

/**
 * Writes a registration set in one transaction: districts, containers (by id,
 * else external reference), LoRaWAN applications, devices (by external
 * reference), bindings (a device bound elsewhere, or a container holding
 * another device, is re-bound from validFrom on, keeping the history), depots
 * and disposal sites. Running it twice changes nothing the second time.
 */
export async function applyRegistrations(db: Database, set: RegistrationSet): Promise<RegistrationCounts> {
  return db.transaction(async (tx) => {
    await new DistrictsRepository(tx).upsert(set.districts);
    const containers = await new ContainersRepository(tx).upsert(set.containers);
    const devicesRepo = new DevicesRepository(tx);
    for (const app of set.applications) await devicesRepo.upsertApplication(app);
    const devices = await devicesRepo.upsert(set.devices);

    const containerIdByKey = new Map<string, string>();
    for (const c of containers) {
      containerIdByKey.set(c.id, c.id);
      if (c.externalRef) containerIdByKey.set(c.externalRef, c.id);
    }
    const missingKeys = set.bindings.map((b) => b.containerKey).filter((k) => !containerIdByKey.has(k));
    if (missingKeys.length > 0) {
      for (const c of await new ContainersRepository(tx).findByIds(missingKeys)) containerIdByKey.set(c.id, c.id);
      for (const c of await new ContainersRepository(tx).findByExternalRefs(missingKeys)) containerIdByKey.set(c.externalRef as string, c.id);
    }
    const deviceIdByRef = new Map(devices.map((d) => [d.externalRef, d.id]));
    const problems: string[] = [];
    const bindings = set.bindings.flatMap((b) => {
      const deviceId = deviceIdByRef.get(b.deviceRef);
      const containerId = containerIdByKey.get(b.containerKey);
      if (!deviceId) problems.push(`binding: device ${b.deviceRef} is not registered`);
      if (!containerId) problems.push(`binding: container ${b.containerKey} is not registered`);
      return deviceId && containerId ? [{ deviceId, containerId, validFrom: b.validFrom }] : [];
    });
    if (problems.length > 0) throw new RegistrationFileError(problems);
    const bindingsOpened = await devicesRepo.bindMany(bindings);

    for (const depot of set.depots) await new DepotsRepository(tx).upsert(depot);
    for (const site of set.disposalSites) await new DisposalSitesRepository(tx).upsert(site);
    return {
      containers: containers.length,
      devices: devices.length,
      bindingsOpened,
      applications: set.applications.length,
      districts: set.districts.length,
      depots: set.depots.length,
      disposalSites: set.disposalSites.length,
    };
  });
}
