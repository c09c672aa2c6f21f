/** Waste fractions a city collects from separate containers. */
export const WASTE_FRACTIONS = ['residual', 'paper', 'glass', 'plastic', 'organic', 'textile'] as const;
export type WasteFraction = (typeof WASTE_FRACTIONS)[number];

/** Container types; a truck must be equipped for the type (a crane for underground). */
export const CONTAINER_TYPES = ['underground', 'semi_underground', 'above_ground', 'wheelie_bin'] as const;
export type ContainerType = (typeof CONTAINER_TYPES)[number];

/** A time-of-day window in which a container may be emptied, minutes after local midnight. */
export interface AccessWindow {
  fromMin: number;
  toMin: number;
}

/** A container as the rest of the system sees it. */
export interface Container {
  id: string;
  externalRef: string | null;
  lng: number;
  lat: number;
  district: string;
  wasteType: WasteFraction;
  containerType: ContainerType;
  volumeL: number;
  /** Sensor-to-bottom distance for distance sensors, millimetres. */
  depthMm: number | null;
  accessWindow: AccessWindow | null;
}
