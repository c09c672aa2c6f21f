import { Body, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentUser, Public, Roles } from './auth.decorators';
import { CreateUserDto, LoginDto, UpdateUserDto } from './auth.dto';
import type { AuthUser } from './roles';
import { UsersService, type UserView } from './users.service';
import { ApiController } from '../common/api-controller';

@ApiController('api/auth', 'auth')
export class AuthController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; returns a bearer token for the API and the socket.io handshake' })
  login(@Body() body: LoginDto): Promise<{ token: string; user: UserView; expiresInS: number }> {
    return this.users.login(body.username, body.password);
  }

  @Roles('viewer')
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
