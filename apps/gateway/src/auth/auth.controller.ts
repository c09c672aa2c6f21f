import { Body, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { CreateUserDto, LoginDto, UpdateUserDto } from './auth.dto';
import type { AuthUser } from './roles';
import { UsersService, type UserView } from './users.service';
import { ApiController } from '../common/api-controller';
import type { HttpResponse } from '../common/http';
import { TooManyLoginsError } from './too-many-logins.error';

@ApiController('api/auth', 'auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; returns a bearer token for the API and the socket.io handshake' })
  @ApiTooManyRequestsResponse({ description: 'too many failed logins for this user name or address; see Retry-After' })
  async login(@Body() body: LoginDto, @Req() req: { ip?: string; socket: { remoteAddress?: string } }, @Res({ passthrough: true }) res: HttpResponse): Promise<{ token: string; user: UserView; expiresInS: number }> {
    try {
      return await this.users.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    } catch (error) {
      if (error instanceof TooManyLoginsError) res.setHeader('Retry-After', String(error.retryAfterS));
      throw error;
    }
  }

  // A driver too: the pages ask who is signed in to know where a driver belongs.
  @Roles('viewer', 'driver')
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }
}

@ApiController('api/users', 'users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Roles('admin')
  @Get()
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a user with a role and, optionally, the districts they may see' })
  create(@CurrentUser() user: AuthUser, @Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(user, body);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change role, districts, password or active; ends the user\'s current logins' })
  update(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: UpdateUserDto): Promise<UserView> {
    return this.users.update(user, id, body);
  }
}
