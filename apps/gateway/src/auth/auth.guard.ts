import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@vulgraad/contracts';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { roleAllows, type AuthUser, type Role } from './roles';
import { UsersService } from './users.service';

/**
 * Runs before every HTTP route. Fails closed: a route must say who may call
 * it (`@Roles` or `@Public`); one that says nothing is refused for everyone,
 * so a forgotten decorator can never open a route.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');
  private readonly warned = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) {
      const name = `${context.getClass().name}.${context.getHandler().name}`;
      if (!this.warned.has(name)) {
        this.warned.add(name);
        this.logger.error({ msg: 'route has no access rule and is refused for everyone', route: name });
      }
      throw new DomainError('forbidden', 'this route has no access rule and is closed');
    }
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: AuthUser }>();
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError('unauthenticated', 'log in first: send Authorization: Bearer <token>', 'authorization');
    const user = await this.users.authenticate(match[1] as string);
    if (!roleAllows(user.role, roles)) {
      throw new DomainError('forbidden', `role ${user.role} may not do this; it needs ${roles.join(' or ')} (or admin)`);
    }
    request.user = user;
    return true;
  }
}
