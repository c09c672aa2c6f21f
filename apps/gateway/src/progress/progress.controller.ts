import { Body, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { DomainError } from '@vulgraad/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import { seesDistrict, type AuthUser } from '../auth/roles';
import { ApiController } from '../common/api-controller';
import type { HttpResponse } from '../common/http';
import { DriverActionsService } from './driver-actions.service';
import { DriverActionDto, DriverRouteQuery, ProgressQuery } from './progress.dto';
import { ProgressService } from './progress.service';

@ApiController('api', 'progress')
export class ProgressController {
  constructor(
    private readonly progress: ProgressService,
    private readonly drivers: DriverActionsService,
  ) {}

  @Roles('viewer')
  @Get('progress')
  @ApiOperation({ summary: "Today's progress per route: every stop planned, done (and how), skipped (and why) or late, ETAs, minutes behind (+) or ahead (-)" })
  async list(@CurrentUser() user: AuthUser, @Query() query: ProgressQuery) {
    if (query.date !== undefined && query.date !== this.progress.today()) throw new DomainError('validation', `progress is kept for today (${this.progress.today()}) only`, 'date');
    if (query.district !== undefined && !seesDistrict(user, query.district)) throw new DomainError('forbidden', `you may not see district ${query.district}`, 'district');
    await this.progress.whenReady();
    return this.progress.progressOf({ district: query.district, districts: user.districts });
  }

  @Roles('viewer', 'driver')
  @Get('progress/:vehicleId/timeline')
  @ApiOperation({ summary: "A truck's day so far: its track, each stop's outcome and the driver's taps (a driver: their own truck's)" })
  timeline(@CurrentUser() user: AuthUser, @Param('vehicleId') vehicleId: string) {
    return this.drivers.timeline(user, vehicleId);
  }

  @Roles('driver', 'planner', 'operator')
  @Get('driver/route')
  @ApiOperation({ summary: "Today's route of a truck for its driver: stops in order with address and fraction, and its progress (a driver gets their own truck's)" })
  route(@CurrentUser() user: AuthUser, @Query() query: DriverRouteQuery) {
    return this.drivers.route(user, query.vehicleId);
  }

  @Roles('driver', 'planner', 'operator')
  @Post('driver/actions')
  @ApiOperation({ summary: 'A tap of the driver at a stop (done, blocked, not accessible, damaged, contaminated, waste beside), with an optional photo; stored once by actionId' })
  act(@CurrentUser() user: AuthUser, @Body() body: DriverActionDto) {
    return this.drivers.act(user, body);
  }

  @Roles('driver', 'planner', 'operator')
  @Get('driver/actions/:actionId/photo')
  @ApiOperation({ summary: 'The photo stored with a tap' })
  async photo(@CurrentUser() user: AuthUser, @Param('actionId') actionId: string, @Res() res: HttpResponse): Promise<void> {
    const photo = await this.drivers.photo(user, actionId);
    res.setHeader('content-type', photo.contentType);
    res.send(photo.bytes);
  }
}
