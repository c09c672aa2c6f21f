import type { CityModel } from '@vulgraad/city-model';
import { generateCity, loadAmsterdamCity } from '@vulgraad/city-model';
import type { CliOptions } from './cli';
import { CLI_HELP, CliError, parseCliArgs } from './cli';
import { writeRegistrations } from './export-file';
import type { UplinkMessage } from './formats';
import type { SimulatorStats } from './sensor-simulator';
import { SensorSimulator } from './sensor-simulator';
import type { UplinkSink } from './sinks';
import { MqttSink } from './sinks';

/** Prints every uplink as "topic<TAB>payload", for looking at the wire format. */
class StdoutSink implements UplinkSink {
  async publish(message: UplinkMessage): Promise<void> {
    process.stdout.write(`${message.topic}\t${message.payload.toString('utf8')}\n`);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Drops every uplink: for timing the simulation itself. */
class NullSink implements UplinkSink {
  async publish(): Promise<void> {}
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

function buildCity(options: CliOptions): CityModel {
  if (options.city === 'amsterdam') {
    return loadAmsterdamCity({ seed: options.seed, limit: options.containers ?? undefined, districts: options.districts ?? undefined, idPrefix: options.idPrefix ?? undefined });
  }
  return generateCity({ containers: options.containers ?? 500, seed: options.seed, districts: options.districts ?? undefined, idPrefix: options.idPrefix ?? undefined });
}

function statusLine(stats: SimulatorStats): string {
  return `sensors published=${stats.published} native=${stats.byFormat.native} ttn_v3=${stats.byFormat['ttn-v3']} chirpstack_v4=${stats.byFormat['chirpstack-v4']} not_sent=${stats.notSent} emptyings=${stats.emptyings} simulated_to=${stats.simulatedTo} lag_s=${stats.lagS}`;
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(CLI_HELP);
    return;
  }
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  const city = buildCity(options);
  log(`city: ${city.name}, ${city.containers.length} containers in ${city.districts.length} districts`);
  for (const note of city.notes) log(`  ${note}`);

  const sink: UplinkSink =
    options.output === 'mqtt'
      ? await MqttSink.connect({ url: options.mqttUrl, username: options.mqttUsername ?? undefined, password: options.mqttPassword ?? undefined, qos: options.qos })
      : options.output === 'stdout'
        ? new StdoutSink()
        : new NullSink();
  const simulator = new SensorSimulator({
    city,
    sink,
    seed: options.seed,
    start: options.start ?? undefined,
    intervalS: options.intervalS,
    format: options.format,
    lorawanModel: options.lorawanModel,
    decoded: options.decoded,
    devicePrefix: options.devicePrefix,
    fillPctShare: options.fillPctShare,
    initialFill: options.initialFill,
    network: {
      ...(options.ttnApplicationId ? { ttnApplicationId: options.ttnApplicationId } : {}),
      ...(options.ttnTenantId ? { ttnTenantId: options.ttnTenantId } : {}),
      ...(options.chirpstackApplicationId ? { chirpstackApplicationId: options.chirpstackApplicationId } : {}),
    },
    onProblem: (problem) => log(`problem: ${problem}`),
  });

  if (options.exportPath) {
    const kind = writeRegistrations(options.exportPath, simulator.registrations());
    log(`registrations (${kind}) written to ${options.exportPath}`);
    if (options.exportOnly) {
      await sink.close();
      return;
    }
  }
  for (const { deviceId, fault } of options.faults) {
    simulator.setFault(deviceId, fault);
    log(`fault ${fault.kind} on ${deviceId}`);
  }

  const startMs = simulator.clock.nowMs();
  const endMs = options.durationH === null ? null : startMs + options.durationH * 3_600_000;
  log(`start ${new Date(startMs).toISOString()}, ${options.speed === 'max' ? 'as fast as possible' : `${options.speed}x real time`}, ${options.format} to ${options.output === 'mqtt' ? options.mqttUrl : options.output}`);

  if (options.speed === 'max') {
    const stats = await simulator.runUntil(new Date(endMs as number));
    await sink.close();
    process.stdout.write(`${statusLine(stats)}\n`);
    return;
  }

  simulator.start(options.speed);
  const status = options.statusEveryS > 0 ? setInterval(() => log(statusLine(simulator.stats())), options.statusEveryS * 1000) : null;
  await new Promise<void>((resolve) => {
    const finish = (): void => resolve();
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (endMs !== null) {
      const check = setInterval(() => {
        if (simulator.clock.nowMs() >= endMs) {
          clearInterval(check);
          finish();
        }
      }, 200);
    }
  });
  if (status) clearInterval(status);
  await simulator.stop();
  // A bounded run ends with every reading up to its end, even when the loop lagged behind the clock.
  if (endMs !== null) await simulator.runUntil(new Date(Math.min(endMs, simulator.clock.nowMs())));
  await sink.close();
  process.stdout.write(`${statusLine(simulator.stats())}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`sensor simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
