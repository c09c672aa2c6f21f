import type { Container, ContainerType, WasteFraction } from '@vulgraad/contracts';

/** The JSON-LD contexts of a WasteContainer entity: the FIWARE Smart Data Model and the NGSI-LD core. */
export const WASTE_CONTAINER_CONTEXT = [
  'https://raw.githubusercontent.com/smart-data-models/dataModel.WasteManagement/master/context.jsonld',
  'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
];

/** An open-data container (the public fields of the contracts' Container) with its statistics: nothing personal in it. */
export interface OpenContainer extends Pick<Container, 'id' | 'externalRef' | 'lng' | 'lat' | 'district' | 'wasteType' | 'containerType' | 'volumeL'> {
  address: string | null;
  fillPct: number | null;
  fillMeasuredAt: string | null;
  fillAvgPct: number | null;
  fillMaxPct: number | null;
  fullDays: number;
  emptyings: number;
  emptyingsPerWeek: number;
  lastEmptiedAt: string | null;
  nextVisitAt: string | null;
  status: 'ok' | 'burning' | 'unknown';
}

/** The data model's `category` for our container types. */
export function categoryOf(type: ContainerType): string[] {
  switch (type) {
    case 'underground':
      return ['underground'];
    case 'semi_underground':
      return ['underground', 'fixed'];
    case 'above_ground':
      return ['ground', 'fixed'];
    case 'wheelie_bin':
      return ['portable'];
  }
}

/** The data model's `storedWasteKind` for our fractions (residual waste is mixed: "other"). */
export function storedWasteKindOf(fraction: WasteFraction): string {
  switch (fraction) {
    case 'paper':
    case 'glass':
    case 'plastic':
    case 'organic':
      return fraction;
    case 'residual':
    case 'textile':
      return 'other';
  }
}

export const entityIdOf = (containerId: string): string => `urn:ngsi-ld:WasteContainer:${containerId}`;

type Property = { type: 'Property'; value: unknown; observedAt?: string; unitCode?: string };
const property = (value: unknown, extra: Partial<Property> = {}): Property => ({ type: 'Property', value, ...extra });
const dateTime = (iso: string) => ({ '@type': 'DateTime', '@value': iso });

/**
 * A container as an NGSI-LD WasteContainer entity (normalized form), or in
 * the keyValues form. `fillingLevel` is a fraction 0..1 as the model says;
 * properties without a value are left out rather than sent as null.
 */
export function toWasteContainer(c: OpenContainer, form: 'normalized' | 'keyValues' = 'normalized'): Record<string, unknown> {
  const values: Array<[string, unknown, Partial<Property>?]> = [
    ['name', c.externalRef ?? c.id],
    ['category', categoryOf(c.containerType)],
    ['storedWasteKind', storedWasteKindOf(c.wasteType)],
    ['status', c.status],
    ['areaServed', c.district],
    ['binCapacity', c.volumeL, { unitCode: 'LTR' }],
  ];
  if (c.address) values.push(['address', { streetAddress: c.address, district: c.district }]);
  if (c.fillPct !== null) values.push(['fillingLevel', Math.round(Math.min(Math.max(c.fillPct, 0), 100) * 10) / 1000, c.fillMeasuredAt ? { observedAt: c.fillMeasuredAt } : {}]);
  if (c.lastEmptiedAt) values.push(['dateLastEmptying', c.lastEmptiedAt]);
  if (c.nextVisitAt) values.push(['nextActuationDeadline', c.nextVisitAt]);

  const entity: Record<string, unknown> = { id: entityIdOf(c.id), type: 'WasteContainer' };
  if (form === 'keyValues') {
    entity.location = { type: 'Point', coordinates: [c.lng, c.lat] };
    for (const [key, value] of values) entity[key] = value;
  } else {
    entity.location = { type: 'GeoProperty', value: { type: 'Point', coordinates: [c.lng, c.lat] } };
    for (const [key, value, extra] of values) {
      const isDate = key === 'dateLastEmptying' || key === 'nextActuationDeadline';
      entity[key] = property(isDate ? dateTime(value as string) : value, extra);
    }
  }
  entity['@context'] = WASTE_CONTAINER_CONTEXT;
  return entity;
}
