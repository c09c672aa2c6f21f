import { Body, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { CreateUserDto, LoginDto, UpdateUserDto } from './auth.dto';
import type { AuthUser } from './roles';
import { UsersService, type UserView } from './users.service';
import { ApiController } from '../common/api-controller';
import type { HttpResponse } from '../common/http';
import { TooManyLoginsError } from './too-many-logins.error';
import { ADMIN_COOKIE, ADMIN_COOKIE_PATH, ADMIN_COOKIE_TTL_S } from './admin-cookie';

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

  // The admin pages (the job queues board) are opened by the browser, which sends no Authorization header: the
  // dashboard trades its bearer token here for a short-lived cookie that only /admin receives and no script can read.
  @Roles('admin')
  @Post('admin-session')
  @HttpCode(204)
  @ApiOperation({ summary: `For admins: sets the HttpOnly cookie (Path=${ADMIN_COOKIE_PATH}, ${ADMIN_COOKIE_TTL_S} s) that opens the job queues board in a browser` })
  async adminSession(@CurrentUser() user: AuthUser, @Req() req: { secure?: boolean }, @Res({ passthrough: true }) res: HttpResponse): Promise<void> {
    const token = await this.users.issueAdminBoardToken(user, ADMIN_COOKIE_TTL_S);
    const secure = req.secure === true ? '; Secure' : '';
    res.setHeader('Set-Cookie', `${ADMIN_COOKIE}=${token}; Path=${ADMIN_COOKIE_PATH}; Max-Age=${ADMIN_COOKIE_TTL_S}; HttpOnly; SameSite=Strict${secure}`);
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
