import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, CONFIG, DomainError, type Clock } from '@vulgraad/contracts';
import { ALL_IN_ONE_DEFAULTS, type Config } from '@vulgraad/config';
import { AuditService } from '../audit/audit.service';
import { LiveService } from '../live/live.service';
import { LoginAttempts } from './login-attempts';
import { hashPassword, verifyPassword } from './password';
import type { AuthUser, Role } from './roles';
import { TokenService, type TokenPurpose } from './token.service';
import { TooManyLoginsError } from './too-many-logins.error';
import { UsersRepository, type UserRecord } from './users.repository';

/** A user as the API shows it: never the hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string | null;
  role: Role;
  districts: string[] | null;
  /** Role driver: their truck. */
  vehicleId: string | null;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export const toUserView = (u: UserRecord): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
  districts: u.districts,
  vehicleId: u.vehicleId,
  active: u.active,
  lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
  createdAt: u.createdAt.toISOString(),
});

/** How long a checked user stays trusted without reading the database again. */
const USER_CACHE_MS = 5000;
const MIN_PASSWORD_LENGTH = 10;
/** The all-in-one demo's admin password, public in the README: never kept without the demo. */
const DEMO_ADMIN_PASSWORD = ALL_IN_ONE_DEFAULTS.GATEWAY_ADMIN_PASSWORD as string;

@Injectable()
export class UsersService {
  private readonly logger = new Logger('Users');
  private readonly cache = new Map<string, { user: UserRecord; until: number }>();
  /** A hash to compare against when the user does not exist, so timing does not tell which names exist. */
  private readonly decoyHash = hashPassword('decoy password that matches nothing');

  constructor(
    private readonly repository: UsersRepository,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly live: LiveService,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly attempts: LoginAttempts,
  ) {}

  /**
   * Makes the configured admin: created when missing; when it exists, a
   * GATEWAY_ADMIN_PASSWORD it does not have replaces its password (and ends
   * its tokens and sockets), so rotating the variable retires the old one.
   * Without a configured password, an admin that still has the demo's
   * password is disabled: that password is printed in every README.
   */
  async ensureFirstAdmin(): Promise<void> {
    const { adminUsername, adminPassword } = this.config.gateway;
    if (adminPassword && adminPassword.length < MIN_PASSWORD_LENGTH) throw new DomainError('validation', `GATEWAY_ADMIN_PASSWORD needs at least ${MIN_PASSWORD_LENGTH} characters`, 'GATEWAY_ADMIN_PASSWORD');
    const existing = await this.repository.findByUsername(adminUsername);
    if (existing) {
      if (adminPassword) {
        if (existing.active && (await verifyPassword(adminPassword, existing.passwordHash))) return;
        await this.repository.update(existing.id, { passwordHash: await hashPassword(adminPassword), active: true });
        this.afterConfiguredChange(existing.id);
        this.logger.warn({ msg: 'admin password set from GATEWAY_ADMIN_PASSWORD', username: adminUsername });
        await this.audit.record(null, 'user.update', { type: 'user', id: existing.id }, { passwordChanged: true, active: true, source: 'configuration' });
      } else if (existing.active && (await verifyPassword(DEMO_ADMIN_PASSWORD, existing.passwordHash))) {
        await this.repository.update(existing.id, { active: false });
        this.afterConfiguredChange(existing.id);
        this.logger.warn({ msg: 'admin disabled: it still has the demo password; set GATEWAY_ADMIN_PASSWORD to give it another', username: adminUsername });
        await this.audit.record(null, 'user.update', { type: 'user', id: existing.id }, { active: false, reason: 'demo password without the demo', source: 'configuration' });
      }
      return;
    }
    if (!adminPassword) return;
    const created = await this.repository.create({ username: adminUsername, displayName: 'Administrator', role: 'admin', districts: null, passwordHash: await hashPassword(adminPassword) });
    if (created) {
      this.logger.log({ msg: 'first admin created from configuration', username: adminUsername });
      await this.audit.record(null, 'user.create', { type: 'user', id: created.id }, { username: adminUsername, role: 'admin', source: 'configuration' });
    }
  }

  private afterConfiguredChange(userId: string): void {
    this.cache.delete(userId);
    this.live.disconnectUser(userId);
  }

  /**
   * Checks a password and issues a token. After GATEWAY_LOGIN_MAX_FAILURES failures for the user
   * name or the client address within the window, refuses without checking (TooManyLoginsError).
   */
  async login(username: string, password: string, clientAddress: string): Promise<{ token: string; user: UserView; expiresInS: number }> {
    const name = username.trim().toLowerCase();
    // The name at this address and the address are limited to GATEWAY_LOGIN_MAX_FAILURES; the name from anywhere to the
    // larger GATEWAY_LOGIN_USER_MAX_FAILURES, so that failures from one address do not lock the user out everywhere.
    const atAddress = `user:${name}@${clientAddress}`;
    const anywhere = { key: `user:${name}`, maxFailures: this.config.security.loginUserMaxFailures };
    const keys = [atAddress, `address:${clientAddress}`, anywhere];
    // The place is taken before the password is hashed: parallel guesses count while they are checked.
    // The window is wall time (the storage's clock), not the process clock: the demo's simulated clock runs hundreds of times faster.
    const waitS = await this.attempts.begin(keys);
    if (waitS > 0) {
      this.logger.warn({ msg: 'login refused: too many failures', username: name, clientAddress, retryAfterS: waitS });
      throw new TooManyLoginsError(waitS);
    }
    // From here the attempt counts as a failure unless the password is right, also when checking it throws.
    const user = await this.repository.findByUsername(name);
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await this.decoyHash);
    if (!user || !ok || !user.active) {
      this.logger.log({ msg: 'login failed', username: name, clientAddress });
      throw new DomainError('unauthenticated', 'user name or password is wrong, or the user is disabled', 'password');
    }
    await this.attempts.succeeded(keys, [atAddress, anywhere]);
    await this.repository.touchLogin(user.id, this.clock.now());
    const token = await this.tokens.issue({ sub: user.id, usr: user.username, role: user.role, dist: user.districts, ver: user.tokenVersion });
    return { token, user: toUserView(user), expiresInS: this.config.gateway.tokenTtlS };
  }

  /** The user behind a token, checked against the stored user (still active, same token version). */
  async authenticate(token: string, purpose: TokenPurpose = 'login'): Promise<AuthUser> {
    const claims = await this.tokens.verify(token, purpose);
    let user = await this.cachedUser(claims.sub);
    // A token newer than the cached user was issued after a change made elsewhere (another replica, a restart with a new admin password): read it again.
    if (user && user.tokenVersion < claims.ver) user = await this.cachedUser(claims.sub, true);
    if (!user || !user.active || user.tokenVersion !== claims.ver) {
      throw new DomainError('unauthenticated', 'this login is no longer valid (user changed or disabled); log in again');
    }
    return { id: user.id, username: user.username, role: user.role, districts: user.districts, vehicleId: user.vehicleId };
  }

  /** A token for the admin pages' cookie, for a user already authenticated; it ends with the user's logins (same token version). */
  async issueAdminBoardToken(user: AuthUser, ttlS: number): Promise<string> {
    const stored = await this.cachedUser(user.id);
    if (!stored || !stored.active) throw new DomainError('unauthenticated', 'this login is no longer valid (user changed or disabled); log in again');
    return this.tokens.issueAdminBoard({ sub: stored.id, usr: stored.username, role: stored.role, dist: stored.districts, ver: stored.tokenVersion }, ttlS);
  }

  async list(): Promise<UserView[]> {
    return (await this.repository.list()).map(toUserView);
  }

  async create(by: AuthUser, input: { username: string; password: string; role: Role; displayName?: string | null; districts?: string[] | null; vehicleId?: string | null }): Promise<UserView> {
    this.checkPassword(input.password);
    if (input.role === 'driver' && !input.vehicleId) throw new DomainError('validation', 'a user with role driver needs the vehicleId of their truck', 'vehicleId');
    const created = await this.repository.create({
      username: input.username.trim().toLowerCase(),
      displayName: input.displayName ?? null,
      role: input.role,
      districts: input.districts ?? null,
      passwordHash: await hashPassword(input.password),
      vehicleId: input.vehicleId ?? null,
    });
    if (!created) throw new DomainError('conflict', `user name ${input.username} is taken`, 'username');
    await this.audit.record(by, 'user.create', { type: 'user', id: created.id }, { username: created.username, role: created.role, districts: created.districts });
    return toUserView(created);
  }

  async update(by: AuthUser, id: string, changes: { displayName?: string | null; role?: Role; districts?: string[] | null; password?: string; active?: boolean; vehicleId?: string | null }): Promise<UserView> {
    if (changes.password !== undefined) this.checkPassword(changes.password);
    if (id === by.id && (changes.active === false || (changes.role !== undefined && changes.role !== 'admin'))) {
      throw new DomainError('conflict', 'an admin cannot disable or demote themselves; ask another admin', changes.active === false ? 'active' : 'role');
    }
    const updated = await this.repository.update(id, {
      displayName: changes.displayName,
      role: changes.role,
      districts: changes.districts,
      passwordHash: changes.password === undefined ? undefined : await hashPassword(changes.password),
      active: changes.active,
      vehicleId: changes.vehicleId,
    }).catch((error: unknown) => {
      if (String(error).includes('users_driver_vehicle_check')) throw new DomainError('validation', 'a user with role driver needs the vehicleId of their truck', 'vehicleId');
      throw error;
    });
    if (!updated) throw new DomainError('not_found', `user ${id} does not exist`, 'id');
    this.cache.delete(id);
    // Sockets keep the rights they were opened with: end them on every replica.
    if (changes.role !== undefined || changes.districts !== undefined || changes.active === false || changes.password !== undefined || changes.vehicleId !== undefined) this.live.disconnectUser(id);
    const { password: _password, ...shown } = changes;
    await this.audit.record(by, 'user.update', { type: 'user', id }, { ...shown, passwordChanged: changes.password !== undefined });
    return toUserView(updated);
  }

  private checkPassword(password: string): void {
    if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError('validation', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, 'password');
  }

  private async cachedUser(id: string, fresh = false): Promise<UserRecord | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now && !fresh) return hit.user;
    const user = await this.repository.findById(id);
    if (user) this.cache.set(id, { user, until: now + USER_CACHE_MS });
    else this.cache.delete(id);
    return user;
  }
}
