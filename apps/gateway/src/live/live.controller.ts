import { Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ProcessPauses } from '@vulgraad/runtime';
import { Roles } from '../auth/auth.decorators';
import { LiveGateway } from './live.gateway';
import { LiveService } from './live.service';
import { ApiController } from '../common/api-controller';

/** How late this process's event loop runs and how long GC paused it: the first things to look at when the live feed lags. */
const pauses = new ProcessPauses();

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
    pauses.reset();
    this.live.resetHeldStats();
  }

  @Roles('admin')
  @Get('stats')
  @ApiOperation({ summary: 'This replica\'s live feed counters' })
  stats() {
    const usage = process.cpuUsage();
    const { eventLoopDelayMs, gcPauses } = pauses.snapshot();
    return {
      containers: this.live.registry.size,
      ...this.live.stats,
      eventLoopDelayMs,
      stateAgeMs: this.live.stateAgeStats(),
      heldMs: this.live.heldStats(),
      positionAgeMs: this.live.positionAgeStats(),
      gcPauses,
      cpuSeconds: Math.round((usage.user + usage.system) / 1e4) / 100,
    };
  }
}
