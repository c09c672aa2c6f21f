import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@vulgraad/contracts';
import type { HttpResponse } from './http';
import { domainErrorBody, type ErrorBody } from './error-body';

const HTTP_NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
};

/**
 * Maps every error of an HTTP request once: domain errors by their code,
 * Nest's HTTP exceptions (unknown route, body parser) by their status, and
 * anything else to a 500 that is logged and says nothing internal.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<HttpResponse>();
    const body = this.bodyOf(exception);
    if (body.statusCode >= 500) {
      const request = host.switchToHttp().getRequest<{ method: string; url: string }>();
      this.logger.error({ msg: 'request failed', method: request.method, url: request.url, err: exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : String(exception) });
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private bodyOf(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) return domainErrorBody(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const message = typeof raw === 'string' ? raw : Array.isArray((raw as { message?: unknown }).message) ? ((raw as { message: string[] }).message).join('; ') : String((raw as { message?: unknown }).message ?? exception.message);
      // 400/413/415 that reach here come from reading the body (malformed JSON, too large, wrong type).
      return { statusCode: status, error: HTTP_NAMES[status] ?? 'Error', message, field: [400, 413, 415].includes(status) ? 'body' : null };
    }
    const parserStatus = (exception as { status?: unknown; type?: unknown })?.status;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      // body-parser errors (malformed JSON, too large) carry their own status.
      return { statusCode: parserStatus, error: HTTP_NAMES[parserStatus] ?? 'Bad Request', message: (exception as Error).message, field: 'body' };
    }
    // PostgreSQL refused a character of the request (a NUL in a query parameter): the client's input, not a fault here.
    const sqlState = (exception as { code?: unknown })?.code;
    if (sqlState === '22021' || sqlState === '22P05') {
      return { statusCode: 400, error: 'Bad Request', message: 'the request has a character the database cannot store (such as NUL)', field: null };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'the request failed; the error is logged', field: null };
  }
}
