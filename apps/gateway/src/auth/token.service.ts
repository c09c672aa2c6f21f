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

/** Issues and checks the HS256 login tokens (REST Authorization header and the socket.io handshake). */
@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  issue(claims: TokenClaims): Promise<string> {
    return this.jwt.signAsync({ ...claims });
  }

  async verify(token: string): Promise<TokenClaims> {
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims & { exp: number }>(token, { algorithms: ['HS256'] });
      if (typeof claims.sub !== 'string' || typeof claims.ver !== 'number') throw new Error('claims missing');
      return claims;
    } catch {
      throw new DomainError('unauthenticated', 'the login token is missing, expired or not valid; log in again');
    }
  }
}
