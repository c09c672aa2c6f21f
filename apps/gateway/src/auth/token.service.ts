import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DomainError } from '@vulgraad/contracts';
import type { Role } from './roles';

/** What a login token carries. `ver` must match the user's token_version, so a role change or deactivation ends old tokens. */
export interface TokenClaims {
  sub: string;
  usr: string;
  role: Role;
  dist: string[] | null;
  ver: number;
}

/**
 * What a token is for. A login token (no `aud`) goes in the Authorization header and the socket.io handshake;
 * an admin-board token (`aud` admin-board) only in the HttpOnly cookie of /admin, and neither is taken for the other.
 */
export type TokenPurpose = 'login' | 'admin-board';

/** Issues and checks the HS256 tokens: logins, and the short-lived cookie of the admin pages. */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(claims: TokenClaims): Promise<string> {
    return this.jwt.signAsync({ ...claims });
  }

  /** A token for the admin pages' cookie, valid for `ttlS` seconds. */
  issueAdminBoard(claims: TokenClaims, ttlS: number): Promise<string> {
    return this.jwt.signAsync({ ...claims }, { audience: 'admin-board', expiresIn: ttlS });
  }

  async verify(token: string, purpose: TokenPurpose = 'login'): Promise<TokenClaims> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims & { exp: number; aud?: unknown }>(token, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || typeof claims.ver !== 'number') throw new Error('claims missing');
      if ((purpose === 'login' ? undefined : purpose) !== claims.aud) throw new Error('token for another purpose');
      return claims;
    } catch {
      throw new DomainError('unauthenticated', 'the login token is missing, expired or not valid; log in again');
    }
  }
}
