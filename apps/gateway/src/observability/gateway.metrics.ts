import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { LiveGateway } from '../live/live.gateway';
import { LiveService } from '../live/live.service';

/**
 * The gateway's numbers on a registry of its own (the all-in-one hosts
 * several apps): HTTP request durations by route and status, socket.io
 * clients connected to this replica, and the live feed's state counts.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpSeconds: Histogram<'method' | 'route' | 'status'>;
  readonly socketsConnected: Gauge;
  readonly liveStates: Gauge<'stage'>;

  constructor(live: LiveService, gateway: LiveGateway) {
    const registers = [this.registry];
    this.httpSeconds = new Histogram({
      name: 'vulgraad_gateway_http_request_duration_seconds',
      help: 'HTTP requests from arrival to the last byte of the response, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.socketsConnected = new Gauge({
      name: 'vulgraad_gateway_sockets_connected',
      help: 'socket.io clients connected to this replica',
      registers,
      collect: () => {
        // The server exists once the application has started listening.
        const server = gateway.server as LiveGateway['server'] | undefined;
        this.socketsConnected.set(server ? server.of('/').sockets.size : 0);
      },
    });
    this.liveStates = new Gauge({
      name: 'vulgraad_gateway_live_states',
      help: 'Container states since start: in = from the event bus, stale = older than the one held, out = sent to rooms (one per room)',
      labelNames: ['stage'],
      registers,
      collect: () => {
        this.liveStates.set({ stage: 'in' }, live.stats.statesIn);
        this.liveStates.set({ stage: 'stale' }, live.stats.statesStale);
        this.liveStates.set({ stage: 'out' }, live.stats.statesOut);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'vulgraad_gateway_' });
  }

  /** One finished HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpSeconds.observe({ method, route, status: String(status) }, seconds);
  }
}
