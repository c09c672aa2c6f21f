import type { Container, MqttPayloadFormat } from '@vulgraad/contracts';
import type { CityDistrict, CityModel, CitySite } from '@vulgraad/city-model';
import { toCsv } from '@vulgraad/csv';
import type { DeviceConfig, DeviceModel } from './device';
import type { LorawanNetwork } from './formats';

/** A sensor as the registry needs it. */
export interface DeviceRegistration {
  /** Native device id; also its device id on The Things Stack. */
  id: string;
  /** The identity the device reports under (devices.external_ref): the device id. */
  externalRef: string;
  devEui: string;
  /** The device reference the payload parser reads from this device's messages: the device id (native, The Things Stack) or the DevEUI (ChirpStack). */
  deviceRef: string;
  /** Decoder model name (libs/payloads), or null for the native JSON firmware. */
  model: DeviceModel | null;
  format: MqttPayloadFormat;
  /** The Things Stack application id or ChirpStack application UUID; null for native devices. */
  lorawanApplicationId: string | null;
  reportingIntervalS: number;
}

/** A device fitted to a container from a moment on (a swap closes one binding and opens another). */
export interface BindingRegistration {
  deviceId: string;
  containerId: string;
  validFrom: string;
}

/** A LoRaWAN application the devices come through, with the model to decode raw uplinks by default. */
export interface LorawanApplicationRegistration {
  applicationId: string;
  network: 'ttn-v3' | 'chirpstack-v4';
  defaultModel: DeviceModel | null;
}

/**
 * Everything a registration tool needs to make the system know a simulated
 * city: containers, devices and bindings, plus districts, depots and disposal
 * sites for the planner. Version 1 of the `vulgraad-city` document.
 */
export interface CityRegistrations {
  kind: 'vulgraad-city';
  version: 1;
  city: { name: string; kind: CityModel['kind']; timezone: string; seed: number; notes: string[] };
  districts: CityDistrict[];
  containers: Array<Container & { pitCount: number }>;
  devices: DeviceRegistration[];
  bindings: BindingRegistration[];
  lorawanApplications: LorawanApplicationRegistration[];
  depots: CitySite[];
  disposalSites: CitySite[];
}

export function buildRegistrations(city: CityModel, devices: readonly DeviceConfig[], network: LorawanNetwork, validFrom: Date): CityRegistrations {
  const applicationOf = (device: DeviceConfig): string | null =>
    device.format === 'ttn-v3' ? network.ttnApplicationId : device.format === 'chirpstack-v4' ? network.chirpstackApplicationId : null;
  const lorawanApplications: LorawanApplicationRegistration[] = [];
  for (const network_ of ['ttn-v3', 'chirpstack-v4'] as const) {
    const members = devices.filter((d) => d.format === network_);
    if (members.length === 0) continue;
    const models = new Set(members.map((d) => d.model));
    lorawanApplications.push({
      applicationId: network_ === 'ttn-v3' ? network.ttnApplicationId : network.chirpstackApplicationId,
      network: network_,
      defaultModel: models.size === 1 ? (members[0] as DeviceConfig).model : null,
    });
  }
  return {
    kind: 'vulgraad-city',
    version: 1,
    city: { name: city.name, kind: city.kind, timezone: city.timezone, seed: city.seed, notes: [...city.notes] },
    districts: city.districts.map((d) => ({ ...d })),
    containers: city.containers.map((c) => ({
      id: c.id,
      externalRef: c.externalRef,
      lng: c.lng,
      lat: c.lat,
      district: c.district,
      wasteType: c.wasteType,
      containerType: c.containerType,
      volumeL: c.volumeL,
      depthMm: c.depthMm,
      accessWindow: c.accessWindow ? { ...c.accessWindow } : null,
      pitCount: c.pitCount,
    })),
    devices: devices.map((d) => ({
      id: d.deviceId,
      externalRef: d.deviceId,
      devEui: d.devEui,
      deviceRef: d.format === 'chirpstack-v4' ? d.devEui.toLowerCase() : d.deviceId,
      model: d.model === 'vulgraad-native' ? null : d.model,
      format: d.format,
      lorawanApplicationId: applicationOf(d),
      reportingIntervalS: d.intervalS,
    })),
    bindings: devices.map((d) => ({ deviceId: d.deviceId, containerId: d.containerId, validFrom: validFrom.toISOString() })),
    lorawanApplications,
    depots: city.depots.map((s) => ({ ...s })),
    disposalSites: city.disposalSites.map((s) => ({ ...s })),
  };
}

/** Columns of the flat CSV export, one row per container with its device. */
export const REGISTRATION_CSV_COLUMNS = [
  'container_id',
  'external_ref',
  'lng',
  'lat',
  'district',
  'waste_type',
  'container_type',
  'volume_l',
  'depth_mm',
  'access_from_min',
  'access_to_min',
  'device_id',
  'dev_eui',
  'device_ref',
  'device_model',
  'payload_format',
  'lorawan_application_id',
  'reporting_interval_s',
  'bound_from',
] as const;

/** One CSV row per container, with the device bound to it (empty device columns when none). */
export function registrationsToCsv(registrations: CityRegistrations): string {
  const deviceByContainer = new Map<string, { device: DeviceRegistration; binding: BindingRegistration }>();
  const devices = new Map(registrations.devices.map((d) => [d.id, d]));
  for (const binding of registrations.bindings) {
    const device = devices.get(binding.deviceId);
    if (device) deviceByContainer.set(binding.containerId, { device, binding });
  }
  const rows = registrations.containers.map((c) => {
    const bound = deviceByContainer.get(c.id);
    return [
      c.id,
      c.externalRef,
      c.lng,
      c.lat,
      c.district,
      c.wasteType,
      c.containerType,
      c.volumeL,
      c.depthMm,
      c.accessWindow?.fromMin,
      c.accessWindow?.toMin,
      bound?.device.id,
      bound?.device.devEui,
      bound?.device.deviceRef,
      bound?.device.model,
      bound?.device.format,
      bound?.device.lorawanApplicationId,
      bound?.device.reportingIntervalS,
      bound?.binding.validFrom,
    ];
  });
  return toCsv(REGISTRATION_CSV_COLUMNS, rows);
}

/**
 * A GeoJSON FeatureCollection: a Point per container (properties as the CSV
 * columns), per depot (`kind: "depot"`) and per disposal site (`kind: "disposal_site"`).
 */
export function registrationsToGeoJson(registrations: CityRegistrations): { type: 'FeatureCollection'; features: unknown[] } {
  const devices = new Map(registrations.devices.map((d) => [d.id, d]));
  const bindingOf = new Map(registrations.bindings.map((b) => [b.containerId, b]));
  const point = (lng: number, lat: number) => ({ type: 'Point', coordinates: [lng, lat] });
  const containerFeatures = registrations.containers.map((c) => {
    const binding = bindingOf.get(c.id);
    const device = binding ? devices.get(binding.deviceId) : undefined;
    return {
      type: 'Feature',
      geometry: point(c.lng, c.lat),
      properties: {
        kind: 'container',
        container_id: c.id,
        external_ref: c.externalRef,
        district: c.district,
        waste_type: c.wasteType,
        container_type: c.containerType,
        volume_l: c.volumeL,
        depth_mm: c.depthMm,
        access_from_min: c.accessWindow?.fromMin ?? null,
        access_to_min: c.accessWindow?.toMin ?? null,
        pit_count: c.pitCount,
        device_id: device?.id ?? null,
        dev_eui: device?.devEui ?? null,
        device_ref: device?.deviceRef ?? null,
        device_model: device?.model ?? null,
        payload_format: device?.format ?? null,
        lorawan_application_id: device?.lorawanApplicationId ?? null,
        reporting_interval_s: device?.reportingIntervalS ?? null,
        bound_from: binding?.validFrom ?? null,
      },
    };
  });
  const siteFeature = (kind: 'depot' | 'disposal_site') => (s: CitySite) => ({
    type: 'Feature',
    geometry: point(s.lng, s.lat),
    properties: { kind, id: s.id, name: s.name, fractions: s.fractions, address: s.address ?? null },
  });
  return {
    type: 'FeatureCollection',
    features: [...containerFeatures, ...registrations.depots.map(siteFeature('depot')), ...registrations.disposalSites.map(siteFeature('disposal_site'))],
  };
}
