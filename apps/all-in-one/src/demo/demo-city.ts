import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '@vulgraad/config';
import type { WasteFraction } from '@vulgraad/contracts';
import { generateCity, readCityFile, type CityModel } from '@vulgraad/city-model';
import { ContainersRepository, ReadingsRepository, VehiclesRepository, type Database, type VehicleInput } from '@vulgraad/database';
import { defaultDistrictSettings } from '@vulgraad/planning';
import { addDays, isoWeekday, localDateOf, localTimeMs } from '@vulgraad/time';
import { applyRegistrations, fromCityDocument } from '@vulgraad/registration';
import { SensorSimulator, type UplinkSink } from '@vulgraad/sensor-simulator';

/** A first start begins at 05:00 local: two hours before the first shift, time enough to plan it. */
const FIRST_START_MIN = 5 * 60;
/** Containers per truck of a fraction in the demo fleet. */
const CONTAINERS_PER_TRUCK = 150;

/** The Amsterdam extract shipped with the project (built by `npm run build:demo-city`). */
export const AMSTERDAM_DEMO_DIR = path.resolve(__dirname, '..', '..', 'demo-data', 'amsterdam');

/** Which city the demo runs, and the data that comes with it. */
export interface DemoCityChoice {
  city: CityModel;
  /** The city's road graph (a CSV folder) and base map file, or null for the generated city. */
  roadGraph: string | null;
  basemap: string | null;
}

/**
 * The demo's city: the Amsterdam extract when DEMO_CITY asks for it, or
 * with `auto` when it holds DEMO_CONTAINERS of DEMO_FRACTIONS; else the
 * generated Vulstad. Amsterdam's containers are listed nearest to the
 * centre first, so the first N of the wanted fractions lie together.
 */
export function chooseDemoCity(config: Config, folder = AMSTERDAM_DEMO_DIR): DemoCityChoice {
  const demo = config.allInOne;
  const generated = (): DemoCityChoice => ({
    city: generateCity({ containers: demo.containers, seed: demo.seed, districts: demo.districts, fractions: demo.fractions, timezone: config.core.timezone }),
    roadGraph: null,
    basemap: null,
  });
  if (demo.city === 'generated') return generated();
  const file = path.join(folder, 'city.json');
  if (!existsSync(file)) {
    if (demo.city === 'amsterdam') throw new Error(`DEMO_CITY=amsterdam, but ${file} is missing (npm run build:demo-city makes it)`);
    return generated();
  }
  const whole = readCityFile(readFileSync(file, 'utf8'), file);
  const wanted = whole.containers.filter((c) => (demo.fractions as readonly string[]).includes(c.wasteType));
  if (wanted.length < demo.containers) {
    if (demo.city === 'amsterdam') {
      throw new Error(`DEMO_CITY=amsterdam holds ${wanted.length} containers of ${demo.fractions.join(', ')}, fewer than DEMO_CONTAINERS=${demo.containers}`);
    }
    return generated();
  }
  return { city: amsterdamSubset(whole, demo.containers, demo.fractions), roadGraph: path.join(folder, 'roads'), basemap: path.join(folder, 'basemap.json') };
}

/** The first `count` containers of the fractions, with the districts that have any of them. */
export function amsterdamSubset(city: CityModel, count: number, fractions: readonly WasteFraction[]): CityModel {
  const containers = city.containers.filter((c) => fractions.includes(c.wasteType)).slice(0, count);
  const districts = city.districts
    .map((d) => {
      const members = containers.filter((c) => c.district === d.id);
      const mean = (values: number[]): number => Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 1e6) / 1e6;
      return { ...d, containerCount: members.length, lng: members.length ? mean(members.map((c) => c.lng)) : d.lng, lat: members.length ? mean(members.map((c) => c.lat)) : d.lat };
    })
    .filter((d) => d.containerCount > 0);
  return { ...city, containers, districts, notes: [...city.notes, `This run: the first ${containers.length} containers of ${fractions.join(', ')}.`] };
}

/** The demo city as this process runs it. */
export interface DemoCity {
  city: CityModel;
  simulator: SensorSimulator;
  /** Simulated time the run starts at. */
  start: Date;
  /** Containers whose last stored reading the run continues from (0 on a first start). */
  resumedContainers: number;
  /** What was added to the registry on this start (all zero when it was there already). */
  registered: { containers: number; devices: number; vehicles: number };
}

/**
 * The city of the demo (see `chooseDemoCity`), registered in the
 * database when it is not there yet (containers, sensors and their bindings,
 * the depot, the disposal sites and a fleet), and its sensor simulator. On a
 * restart the simulated clock continues after the last stored reading and
 * every container starts at the fill that reading showed, so the history
 * goes on without a jump.
 */
export async function prepareDemoCity(db: Database, config: Config, city: CityModel, sink: UplinkSink, onProblem: (problem: string) => void): Promise<DemoCity> {
  const demo = config.allInOne;

  const ids = city.containers.map((c) => c.id);
  const states = await new ReadingsRepository(db).statesOf(ids);
  const volumeOf = new Map(city.containers.map((c) => [c.id, c.volumeL]));
  const initialVolumesL = new Map<string, number>();
  let lastMs = -Infinity;
  for (const state of states) {
    lastMs = Math.max(lastMs, state.measuredAt.getTime());
    const volumeL = volumeOf.get(state.containerId);
    if (state.fillPct !== null && volumeL !== undefined) initialVolumesL.set(state.containerId, (Math.min(Math.max(state.fillPct, 0), 120) / 100) * volumeL);
  }
  const start = Number.isFinite(lastMs)
    ? new Date(Math.ceil((lastMs + 1000) / 1000) * 1000)
    : (demo.start ?? firstStart(Date.now(), config.core.timezone, defaultDistrictSettings(config.planner, 'default', 'residual').collectionDays));

  const simulator = new SensorSimulator({
    city,
    sink,
    seed: demo.seed,
    start,
    intervalS: demo.sensorIntervalMin * 60,
    format: demo.format,
    initialFill: 'random',
    initialVolumesL,
    onProblem,
  });
  const registered = await registerCity(db, simulator, city);
  return { city, simulator, start, resumedContainers: initialVolumesL.size, registered };
}

/** 05:00 local on the latest collection day that is not after `nowMs`. */
export function firstStart(nowMs: number, timeZone: string, collectionDays: readonly number[]): Date {
  const today = localDateOf(nowMs, timeZone);
  for (let back = 0; back < 14; back++) {
    const date = addDays(today, -back);
    const atMs = localTimeMs(date, FIRST_START_MIN, timeZone);
    if (collectionDays.includes(isoWeekday(date)) && atMs <= nowMs) return new Date(atMs);
  }
  return new Date(localTimeMs(today, FIRST_START_MIN, timeZone));
}

/**
 * Registers the city the way `npm run cli -- register` does (containers,
 * districts, LoRaWAN applications, sensors and their bindings, depot and
 * disposal sites), plus a fleet. A city that is there already is left as it
 * is: its trucks may have been edited since.
 */
async function registerCity(db: Database, simulator: SensorSimulator, city: CityModel): Promise<DemoCity['registered']> {
  const registrations = simulator.registrations();
  const known = await new ContainersRepository(db).findByIds(registrations.containers.map((c) => c.id));
  if (known.length === registrations.containers.length) return { containers: 0, devices: 0, vehicles: 0 };

  const set = fromCityDocument(registrations as unknown as Parameters<typeof fromCityDocument>[0]);
  const counts = await applyRegistrations(db, set);
  const vehicles = demoFleet(city);
  await db.transaction(async (tx) => {
    const fleet = new VehiclesRepository(tx);
    for (const vehicle of vehicles) await fleet.upsert(vehicle);
  });
  return { containers: registrations.containers.length - known.length, devices: counts.bindingsOpened, vehicles: vehicles.length };
}

/** One rear loader per CONTAINERS_PER_TRUCK containers of a fraction (at least one), from the city's depot. */
export function demoFleet(city: CityModel): VehicleInput[] {
  const depot = city.depots[0];
  if (!depot) return [];
  const counts = new Map<WasteFraction, number>();
  for (const c of city.containers) counts.set(c.wasteType, (counts.get(c.wasteType) ?? 0) + 1);
  const vehicles: VehicleInput[] = [];
  for (const [fraction, count] of counts) {
    const trucks = Math.max(1, Math.ceil(count / CONTAINERS_PER_TRUCK));
    for (let k = 1; k <= trucks; k++) {
      vehicles.push({
        id: `demo-truck-${fraction}-${k}`,
        name: `${fraction[0]?.toUpperCase()}${fraction.slice(1)} truck ${k}`,
        depotId: depot.id,
        capacityL: 20_000,
        capacityKg: 10_000,
        fractions: [fraction],
        equipment: ['underground'],
        speedFactor: 1,
        costPerKm: 1.5,
        costPerHour: 45,
        shiftStartMin: 7 * 60,
        shiftEndMin: 15 * 60 + 30,
        maxRouteDurationS: null,
      });
    }
  }
  return vehicles;
}

/**
 * The configuration with the demo city's own data filled in where nothing
 * is set: plans on its road graph (unless another provider is configured),
 * the dashboard's base map from its OpenStreetMap data (unless tiles are).
 */
export function configForDemo(config: Config, choice: DemoCityChoice | null): Config {
  if (!choice) return config;
  const d = config.distances;
  const roadGraph =
    choice.roadGraph && !d.roadGraph && (d.provider === 'road' || (d.provider === 'auto' && !d.graphhopperUrl && !d.graphhopperApiKey)) ? choice.roadGraph : d.roadGraph;
  const g = config.gateway;
  const basemap = choice.basemap && !g.basemap && !g.tileUrl ? choice.basemap : g.basemap;
  return { ...config, distances: { ...d, roadGraph }, gateway: { ...g, basemap } };
}
