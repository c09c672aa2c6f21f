import type { Container, WasteFraction } from '@vulgraad/contracts';

/**
 * A city as the simulators run it: containers with where they stand and how
 * fast they fill, and the depots and disposal sites a truck drives between.
 * Plain data, JSON-serialisable, no framework.
 */
export interface CityModel {
  name: string;
  kind: 'generated' | 'amsterdam';
  /** IANA zone of the city: deposit profiles are by local clock hour and weekday. */
  timezone: string;
  seed: number;
  centre: { lng: number; lat: number };
  districts: CityDistrict[];
  containers: CityContainer[];
  depots: CitySite[];
  disposalSites: CitySite[];
  /** How the model was made: data sources, assumptions, counts. */
  notes: string[];
}

export interface CityDistrict {
  id: string;
  name: string;
  lng: number;
  lat: number;
  containerCount: number;
}

export interface CitySite {
  id: string;
  name: string;
  lng: number;
  lat: number;
  /** Fractions a disposal site accepts; every fraction for a depot. */
  fractions: WasteFraction[];
  address?: string;
}

/** Litres per deposit: Triangular(min, mode, max). */
export interface DepositVolume {
  minL: number;
  modeL: number;
  maxL: number;
}

/**
 * When deposits arrive over a week. `shares[weekday * 24 + hour]` (Monday = 0,
 * local time) is the fraction of an average day's deposits that arrive in that
 * hour; the 24 shares of one weekday add up to that weekday's factor, and the
 * seven factors average 1.
 */
export interface WeeklyProfile {
  id: string;
  shares: readonly number[];
  source: string;
}

/** How a container fills: a Poisson process by local hour and weekday, triangular deposit volumes. */
export interface ContainerDemand {
  /** Expected deposits on an average day. */
  depositsPerDay: number;
  profile: WeeklyProfile;
  depositVolumeL: DepositVolume;
}

/** A container (or a cluster of pits treated as one container) with its demand. */
export interface CityContainer extends Container {
  /** Pits pooled at this location: a visit empties all; service time grows with it. */
  pitCount: number;
  demand: ContainerDemand;
  /** Where the fill rate came from, e.g. "synthetic", "weighings-2021-03", "weighings-2020-21", "imputed". */
  rateSource: string;
}

/** Mean of a triangular deposit volume, litres. */
export function meanDepositL(volume: DepositVolume): number {
  return (volume.minL + volume.modeL + volume.maxL) / 3;
}

/** Expected litres per day that flow into a container. */
export function expectedLitresPerDay(container: CityContainer): number {
  return container.demand.depositsPerDay * meanDepositL(container.demand.depositVolumeL);
}

/** The deposit volume law of the Groningen study: Triangular(10, 30, 60) L, mean 33.3 L. */
export const GRONINGEN_DEPOSIT_VOLUME: DepositVolume = { minL: 10, modeL: 30, maxL: 60 };
