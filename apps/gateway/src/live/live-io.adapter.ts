import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';

type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];

/**
 * socket.io with the Redis adapter when a Redis URL is given, so replicas
 * share rooms for what crosses them (disconnecting a user everywhere,
 * counting clients across replicas). Without one, the ordinary in-memory adapter.
 */
export class LiveIoAdapter extends IoAdapter {
  private clients: Redis[] = [];

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string | null,
    private readonly keyPrefix = 'vulgraad:socket.io',
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    const server = super.createIOServer(port, options);
    if (this.redisUrl) {
      const pub = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', () => undefined);
      this.clients = [pub, sub];
      (server as { adapter(factory: unknown): void }).adapter(createAdapter(pub, sub, { key: this.keyPrefix }));
    }
    return server;
  }

  override async close(server: IoServer): Promise<void> {
    await super.close(server);
    await Promise.allSettled(this.clients.map((c) => c.quit()));
    this.clients = [];
  }
}
