import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuthGuard } from '../auth/auth.guard';
import { ErrorFilter } from './error.filter';
import { createValidationPipe } from './validation';

const validation = createValidationPipe();

/**
 * Every gateway controller is declared with this: the auth guard (which
 * refuses any route without `@Roles` or `@Public`), DTO validation and the
 * one error mapping. Scoped to the gateway's controllers rather than global,
 * so the all-in-one process can host other apps' routes beside them.
 */
export const ApiController = (path: string, tag: string) =>
  applyDecorators(Controller(path), ApiTags(tag), UseGuards(AuthGuard), UsePipes(validation), UseFilters(ErrorFilter));
