import { Logger } from '@nestjs/common';
import { ConnectedSocket, MessageBody, type OnGatewayConnection, type OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { DomainError, LIVE_EVENTS, LIVE_REQUESTS, type JoinAnswer, type LiveEventMap } from '@vulgraad/contracts';
import type { Server, Socket } from 'socket.io';
import type { AuthUser } from '../auth/roles';
import { UsersService } from '../auth/users.service';
import { LiveService } from './live.service';
import { parseRoom, refusal } from './rooms';
import { SlowConsumerGuard } from './slow-consumers';

const MAX_ROOMS_PER_REQUEST = 100;
/** Rooms one connection may be in (besides its own): each join costs a snapshot query or two. */
export const MAX_ROOMS_PER_SOCKET = 200;

interface SocketData {
  user: AuthUser;
}

/**
 * socket.io: the handshake must carry a login token (`auth: { token }`);
 * a client then asks to join rooms (`join` with `{ rooms: [...] }`), gets a
 * snapshot per room it may join and the changes after, and is told which
 * rooms were refused and why. Parses, authorises and delegates only.
 */
@WebSocketGateway({ serveClient: true, pingInterval: 20000, pingTimeout: 20000 })
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('LiveGateway');
  @WebSocketServer() server!: Server;

  constructor(
    private readonly live: LiveService,
    private readonly users: UsersService,
    private readonly slowConsumers: SlowConsumerGuard,
  ) {}

  afterInit(server: Server): void {
    server.use((socket, next) => {
      // From the handshake's auth only: a token in the query string ends up in proxies' and servers' access logs.
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') return next(new Error('unauthenticated: send auth: { token } from POST /api/auth/login'));
      this.users
        .authenticate(token)
        .then((user) => {
          (socket.data as SocketData).user = user;
          next();
        })
        .catch((error: unknown) => next(new Error(`unauthenticated: ${error instanceof DomainError ? error.message : 'token not valid'}`)));
    });
    this.live.attach(server);
    this.slowConsumers.watch(server);
  }

  handleConnection(socket: Socket): void {
    const user = (socket.data as SocketData).user;
    void socket.join(`user:${user.id}`);
  }

  @SubscribeMessage(LIVE_REQUESTS.join)
  async join(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<JoinAnswer> {
    const user = (socket.data as SocketData).user;
    const rooms = (body as { rooms?: unknown } | null)?.rooms;
    if (!Array.isArray(rooms) || rooms.length === 0 || rooms.length > MAX_ROOMS_PER_REQUEST) {
      return { joined: [], refused: [{ room: '', reason: `send { rooms: [...] } with 1..${MAX_ROOMS_PER_REQUEST} room names` }] };
    }
    const joined: string[] = [];
    const refused: Array<{ room: string; reason: string }> = [];
    for (const name of rooms) {
      const room = parseRoom(name);
      if (!room) {
        refused.push({ room: String(name).slice(0, 200), reason: 'unknown room: use district:<name> or route:<vehicleId>:<YYYY-MM-DD>' });
        continue;
      }
      // socket.rooms holds the socket's own id and its user room besides what it joined.
      if (!socket.rooms.has(name as string) && socket.rooms.size - 2 >= MAX_ROOMS_PER_SOCKET) {
        refused.push({ room: name as string, reason: `a connection is in at most ${MAX_ROOMS_PER_SOCKET} rooms; leave some first` });
        continue;
      }
      try {
        const reason = refusal(user, room, room.kind === 'route' ? await this.live.districtsOfRoute(room) : null);
        if (reason) {
          refused.push({ room: name as string, reason });
          continue;
        }
        // Join before the snapshot is taken, so no change falls between the two; the browser keeps the newer of both.
        await socket.join(name as string);
        const snapshot: LiveEventMap['snapshot'] = room.kind === 'district' ? await this.live.districtSnapshot(room.district) : await this.live.routeSnapshot(room);
        socket.emit(LIVE_EVENTS.snapshot, snapshot);
        joined.push(name as string);
      } catch (error) {
        this.logger.warn({ msg: 'join failed', room: name, err: String(error) });
        refused.push({ room: name as string, reason: 'the room could not be joined; try again' });
      }
    }
    return { joined, refused };
  }

  @SubscribeMessage(LIVE_REQUESTS.leave)
  async leave(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<{ left: string[] }> {
    const rooms = (body as { rooms?: unknown } | null)?.rooms;
    if (!Array.isArray(rooms)) return { left: [] };
    const left: string[] = [];
    for (const name of rooms.slice(0, MAX_ROOMS_PER_REQUEST)) {
      if (typeof name === 'string' && parseRoom(name) && socket.rooms.has(name)) {
        await socket.leave(name);
        left.push(name);
      }
    }
    return { left };
  }
}
