import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { LiveGateway } from './live.gateway';
import { LiveService } from './live.service';
import { ApiController } from '../common/api-controller';

/** How late this process's event loop runs: the first thing to look at when the live feed lags. */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
/** Garbage-collection pauses of this process since the last reset: a long one holds every socket's messages. */
const gc = { pauses: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.pauses++;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

@ApiController('api/live', 'live')
export class LiveController {
  constructor(
    private readonly live: LiveService,
    private readonly gateway: LiveGateway,
  ) {}

  @Roles('admin')
  @Get('clients')
  @ApiOperation({ summary: 'Connected socket.io clients on every replica (through the Redis adapter), per room' })
  async clients(): Promise<{ clients: number; rooms: Record<string, number>; users: Record<string, number> }> {
    const sockets = await this.gateway.server.fetchSockets();
    const rooms: Record<string, number> = {};
    const users: Record<string, number> = {};
    for (const socket of sockets) {
      const name = (socket.data as { user?: { username: string } }).user?.username ?? '?';
      users[name] = (users[name] ?? 0) + 1;
      for (const room of socket.rooms) if (room.startsWith('district:') || room.startsWith('route:')) rooms[room] = (rooms[room] ?? 0) + 1;
    }
    return { clients: sockets.length, rooms, users };
  }

  @Roles('admin')
  @Post('stats/reset')
  @HttpCode(204)
  @ApiOperation({ summary: 'Start the event-loop delay histogram afresh (before a measurement)' })
  resetStats(): void {
    loopDelay.reset();
    Object.assign(gc, { pauses: 0, totalMs: 0, maxMs: 0 });
    this.live.resetHeldStats();
  }

  @Roles('admin')
  @Get('stats')
  @ApiOperation({ summary: 'This replica\'s live feed counters' })
  stats() {
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    const usage = process.cpuUsage();
    return {
      containers: this.live.registry.size,
      ...this.live.stats,
      eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
      heldMs: this.live.heldStats(),
      positionAgeMs: this.live.positionAgeStats(),
      gcPauses: { count: gc.pauses, totalMs: Math.round(gc.totalMs), maxMs: Math.round(gc.maxMs * 10) / 10 },
      cpuSeconds: Math.round((usage.user + usage.system) / 1e4) / 100,
    };
  }
}
