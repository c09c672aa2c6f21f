import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Server, Socket } from 'socket.io';

/** Messages that may wait for one socket before it counts as too slow: a few seconds of the live feed. */
export const MAX_QUEUED_PACKETS = 200;
const CHECK_INTERVAL_MS = 1000;

/**
 * Keeps one slow or stalled browser from holding the gateway's memory. A
 * socket that does not read leaves every message the feed sends it in
 * engine.io's write buffer, without limit; the other sockets are not slowed
 * (each has its own buffer), but memory grows. Once a socket has more than
 * MAX_QUEUED_PACKETS waiting, its connection is closed: the client reconnects
 * and gets a fresh snapshot when it joins again, which is all the coalesced
 * feed promises anyway (the latest state, not every state).
 */
@Injectable()
export class SlowConsumerGuard implements OnApplicationShutdown {
  private readonly logger = new Logger('SlowConsumers');
  private timer: NodeJS.Timeout | null = null;
  /** Connections closed for being too slow, since start. */
  closed = 0;

  watch(server: Server): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(server), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  /** Closes the connections of sockets with too much waiting; returns how many. */
  check(server: Server): number {
    let closed = 0;
    for (const socket of server.of('/').sockets.values()) {
      const queued = queuedPackets(socket);
      if (queued <= MAX_QUEUED_PACKETS) continue;
      this.logger.warn({ msg: 'closing a socket that does not keep up', socketId: socket.id, queued, user: (socket.data as { user?: { username?: string } }).user?.username });
      // The transport, not the socket.io session: the client reconnects by itself and joins again. Discard what
      // waits: a close that first flushes the buffer would wait for the very peer that does not read.
      socket.conn.close(true);
      closed++;
    }
    this.closed += closed;
    return closed;
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** Packets engine.io holds for a socket because its transport is not writable (the peer does not read). */
export function queuedPackets(socket: Socket): number {
  return (socket.conn as unknown as { writeBuffer?: unknown[] }).writeBuffer?.length ?? 0;
}
