import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { AuthUser, Role } from './roles';

export const ROLES_KEY = 'vulgraad:roles';
export const PUBLIC_KEY = 'vulgraad:public';

/**
 * The least roles that may call a route (admin always may). Every route
 * needs this or `@Public()`: the guard refuses routes that have neither.
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiBearerAuth(), ApiUnauthorizedResponse({ description: 'no or invalid token' }), ApiForbiddenResponse({ description: `needs role: ${roles.join(' or ')} (or admin)` }));

/** A route anyone may call without logging in (open data, login, health, the dashboard). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The signed-in user of the request. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  const request = ctx.switchToHttp().getRequest<{ user?: AuthUser }>();
  if (!request.user) throw new Error('CurrentUser used on a route without @Roles');
  return request.user;
});
