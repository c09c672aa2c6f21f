import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import type { BrokerAuth } from '@vulgraad/security';

/** The MQTT broker inside the all-in-one process (aedes: MQTT 3.1.1 only, sessions in memory). */
export interface EmbeddedBroker {
  /** mqtt://host:port as clients reach it. */
  url: string;
  port: number;
  /** Clients connected right now. */
  readonly clients: number;
  close(): Promise<void>;
}

/**
 * Starts aedes on a TCP port (0 = any free port). Refuses to start when the
 * port is taken, with a message that names the variable to change.
 */
export async function startEmbeddedBroker(options: {
  host: string;
  port: number;
  onClientError?: (clientId: string, error: Error) => void;
  /** A client sending a larger MQTT packet is disconnected before the packet is buffered; none = no limit. */
  maxPacketBytes?: number;
  /** Told of every client disconnected for a packet over maxPacketBytes. */
  onPacketTooLarge?: (remoteAddress: string, packetBytes: number) => void;
  /** Login and topic rules from the device registry (`createBrokerAuth` of @vulgraad/security); none = anyone may publish. */
  auth?: BrokerAuth;
}): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker(options.auth ?? {});
  broker.on('clientError', (client, error) => options.onClientError?.(client?.id ?? '?', error));
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    if (options.maxPacketBytes !== undefined) {
      limitPacketSize(socket, options.maxPacketBytes, (bytes) => options.onPacketTooLarge?.(socket.remoteAddress ?? '?', bytes));
    }
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(`port ${options.port} on ${options.host} is taken, so the embedded MQTT broker cannot listen there: set EMBEDDED_MQTT_PORT to a free port (0 = any), or MQTT_URL to use a broker that runs already`, { cause: error });
    }
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    get clients() {
      return broker.connectedClients;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * aedes buffers a whole packet before it parses it, whatever its announced
 * length (up to MQTT's 256 MiB). This reads each packet's fixed header as the
 * bytes pass and ends the connection as soon as a packet announces more than
 * maxBytes, so at most one socket chunk of it is ever held.
 */
export function limitPacketSize(socket: Socket, maxBytes: number, onTooLarge: (packetBytes: number) => void): void {
  // Where we are in the current packet: its first byte, its length bytes, or its body.
  let stage: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let headerBytes = 0;
  let bodyLeft = 0;
  socket.prependListener('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (stage === 'body') {
        const take = Math.min(bodyLeft, chunk.length - i);
        bodyLeft -= take;
        i += take;
        if (bodyLeft === 0) stage = 'type';
        continue;
      }
      const byte = chunk[i++] as number;
      if (stage === 'type') {
        stage = 'length';
        length = 0;
        multiplier = 1;
        headerBytes = 1;
        continue;
      }
      headerBytes++;
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if (byte & 0x80 && headerBytes < 5) continue;
      if (headerBytes + length > maxBytes) {
        onTooLarge(headerBytes + length);
        socket.destroy();
        return;
      }
      bodyLeft = length;
      stage = length === 0 ? 'type' : 'body';
    }
  });
}
