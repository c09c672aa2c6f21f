import { Logger } from '@nestjs/common';
import mqtt from 'mqtt';
import { startEmbeddedBroker } from '../../../apps/all-in-one/src/embedded-broker';
import { IngestMqttClient } from '../../../apps/ingest/src/ingest-mqtt.client';

/**
 * Runs in a process of its own (aedes is an ES module, which Jest's sandbox cannot load): the
 * ingest's MQTT client on the embedded broker, paused while the broker keeps sending, then
 * stopped. Prints one line: `ingest-stop received=<n> outcome=stopped|still-waiting connected=<bool>`.
 */
async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
  const publisher = await mqtt.connectAsync(broker.url, { clientId: `aio-stop-pub-${process.pid}` });
  const sut = new IngestMqttClient({
    url: broker.url, clientId: `aio-stop-${process.pid}`, protocolVersion: 4, sessionExpiryS: 0, receiveMaximum: 100,
    filters: ['vgtest/#'], topicPrefix: '', shareGroup: '',
  });
  let received = 0;
  sut.start((message) => {
    received++;
    setTimeout(() => message.ack(), 20);
  });
  const sending = setInterval(() => {
    for (let i = 0; i < 25; i++) publisher.publish('vgtest/stop', 'reading', { qos: 1 });
  }, 20);
  while (received < 200) await new Promise((resolve) => setTimeout(resolve, 50));
  sut.pause();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const outcome = await Promise.race([sut.stop().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still-waiting'), 15_000))]);
  clearInterval(sending);
  process.stdout.write(`ingest-stop received=${received} outcome=${String(outcome)} connected=${sut.connected}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
