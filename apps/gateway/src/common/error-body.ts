import { DomainError, type DomainErrorCode } from '@vulgraad/contracts';

/** The one error body every failed request gets. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** The input field at fault, when there is one. */
  field: string | null;
}

/** HTTP status and name per domain error code; exhaustive, so a new code fails the build until it is mapped. */
export function statusOf(code: DomainErrorCode): { status: number; error: string } {
  switch (code) {
    case 'validation':
      return { status: 400, error: 'Bad Request' };
    case 'unauthenticated':
      return { status: 401, error: 'Unauthorized' };
    case 'forbidden':
      return { status: 403, error: 'Forbidden' };
    case 'not_found':
      return { status: 404, error: 'Not Found' };
    case 'conflict':
      return { status: 409, error: 'Conflict' };
    case 'infeasible':
      return { status: 422, error: 'Unprocessable Entity' };
    case 'unavailable':
      return { status: 503, error: 'Service Unavailable' };
  }
}

export function domainErrorBody(error: DomainError): ErrorBody {
  const { status, error: name } = statusOf(error.code);
  return { statusCode: status, error: name, message: error.message, field: error.field ?? null };
}
