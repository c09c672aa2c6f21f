import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError } from '@vulgraad/contracts';

/** The dotted path and first message of the first failing field, nested objects and arrays included. */
export function firstProblem(errors: readonly ValidationError[], prefix = ''): { field: string; message: string } | null {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // Decorators register bottom-up, so the last constraint is the topmost one: the type check in our DTOs.
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) return { field, message: messages[messages.length - 1] as string };
    const nested = firstProblem(error.children ?? [], field);
    if (nested) return nested;
  }
  return null;
}

/**
 * Validates bodies and queries against their DTO classes, refuses unknown
 * properties, and turns the first problem into a `validation` DomainError
 * naming the field, which the error filter answers with a 400.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const problem = firstProblem(errors) ?? { field: 'body', message: 'the request is not valid' };
      return new DomainError('validation', problem.message, problem.field);
    },
  });
}
