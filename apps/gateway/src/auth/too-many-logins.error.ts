import { HttpException, HttpStatus } from '@nestjs/common';

/** A login refused because of recent failures for its user name or client address; answered 429 with Retry-After. */
export class TooManyLoginsError extends HttpException {
  constructor(readonly retryAfterS: number) {
    super({ message: `too many failed logins; try again in ${retryAfterS} s` }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
