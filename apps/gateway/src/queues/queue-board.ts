import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import type { Config } from '@vulgraad/config';
import { CONFIG, DomainError, PLANNER_QUEUE } from '@vulgraad/contracts';
import { adminCookieToken } from '../auth/admin-cookie';
import { roleAllows } from '../auth/roles';
import { UsersService } from '../auth/users.service';
import type { HttpRequest, HttpResponse } from '../common/http';

/** Where the board is served. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The board's own page: its scripts and styles from its static folder, inline styles and style attributes, and the
 * IBM Plex fonts its page asks Google Fonts for. Only under QUEUE_BOARD_PATH; the rest of the gateway keeps the
 * strict policy of app-setup.
 */
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' data: https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "object-src 'none'",
].join('; ');

const STATUS: Record<'unauthenticated' | 'forbidden', { statusCode: number; error: string }> = {
  unauthenticated: { statusCode: 401, error: 'Unauthorized' },
  forbidden: { statusCode: 403, error: 'Forbidden' },
};

/**
 * bull-board over the planner's BullMQ queue, for admins: jobs waiting,
 * running, failed (with their reasons) and done, and retrying a failed one.
 * Served at /admin/queues when REDIS_URL is set (without Redis the jobs run
 * in the planner's process and there is no queue to show). The board is
 * Express middleware, not a Nest route, so it checks the bearer token (or
 * the admin cookie of POST /api/auth/admin-session, for a browser) and the
 * admin role itself, as the AuthGuard does for the API.
 */
@Injectable()
export class QueueBoard implements OnModuleDestroy {
  private readonly logger = new Logger('QueueBoard');
  private connection: Redis | null = null;
  private queues: Queue[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly users: UsersService,
  ) {}

  /** Mounts the board on the app; false when there is no Redis and so no board. */
  mount(app: NestExpressApplication): boolean {
    const redisUrl = this.config.core.redisUrl;
    if (!redisUrl) return false;
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on('error', (error: Error) => this.logger.warn({ msg: 'queue board: Redis connection failed', err: error.message }));
    this.queues = [new Queue(PLANNER_QUEUE, { connection: this.connection, prefix: this.config.planner.queuePrefix })];
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({ queues: this.queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
    app.use(QUEUE_BOARD_PATH, (req: HttpRequest, res: HttpResponse, next: (error?: unknown) => void) => {
      res.setHeader('Content-Security-Policy', BOARD_CSP);
      this.admit(req.headers.authorization, req.headers.cookie).then(
        () => next(),
        (error: unknown) => {
          if (error instanceof DomainError && (error.code === 'unauthenticated' || error.code === 'forbidden')) {
            res.status(STATUS[error.code].statusCode).json({ ...STATUS[error.code], message: error.message, field: error.field });
          } else next(error);
        },
      );
    });
    app.use(QUEUE_BOARD_PATH, serverAdapter.getRouter());
    return true;
  }

  async onModuleDestroy(): Promise<void> {
    for (const queue of this.queues) await queue.close();
    await this.connection?.quit().catch(() => this.connection?.disconnect());
  }

  /** The bearer header (a login token) or, from a browser, the admin cookie (an admin-board token); either of a current admin. */
  private async admit(authorization: string | string[] | undefined, cookie: string | string[] | undefined): Promise<void> {
    const match = /^Bearer\s+(\S+)$/i.exec(typeof authorization === 'string' ? authorization : '');
    const cookieToken = match ? null : adminCookieToken(cookie);
    if (!match && !cookieToken) throw new DomainError('unauthenticated', 'log in first: send Authorization: Bearer <token>, or open the board from the dashboard', 'authorization');
    const user = match ? await this.users.authenticate(match[1] as string) : await this.users.authenticate(cookieToken as string, 'admin-board');
    if (!roleAllows(user.role, ['admin'])) throw new DomainError('forbidden', `role ${user.role} may not see the job queues; it needs admin`);
  }
}
