import { Body, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { ApiController } from '../common/api-controller';
import { DepotDto, DisposalSiteDto, VehicleDto, VehicleStatusDto } from './fleet.dto';
import { FleetService } from './fleet.service';

@ApiController('api', 'fleet')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Roles('viewer')
  @Get('vehicles')
  @ApiOperation({ summary: 'Every truck: capacity, compaction, fractions and equipment, depot, shifts, break, status' })
  listVehicles() {
    return this.fleet.listVehicles();
  }

  @Roles('viewer')
  @Get('vehicles/:id')
  @ApiOperation({ summary: 'One truck' })
  getVehicle(@Param('id') id: string) {
    return this.fleet.getVehicle(id);
  }

  @Roles('planner')
  @Put('vehicles/:id')
  @ApiOperation({ summary: 'Create or replace a truck (planners and admins; audited). Its status changes through /status' })
  putVehicle(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: VehicleDto) {
    return this.fleet.putVehicle(user, id, body);
  }

  @Roles('planner', 'operator')
  @Post('vehicles/:id/status')
  @ApiOperation({ summary: 'A truck broke down or is back in service: audited, and the planner re-plans the rest of the day' })
  setStatus(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: VehicleStatusDto) {
    return this.fleet.setStatus(user, id, body);
  }

  @Roles('viewer')
  @Get('depots')
  @ApiOperation({ summary: 'Every depot' })
  listDepots() {
    return this.fleet.listDepots();
  }

  @Roles('planner')
  @Put('depots/:id')
  @ApiOperation({ summary: 'Create or replace a depot (planners and admins; audited)' })
  putDepot(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: DepotDto) {
    return this.fleet.putDepot(user, id, body);
  }

  @Roles('viewer')
  @Get('disposal-sites')
  @ApiOperation({ summary: 'Every disposal site: fractions, opening hours, unloading time' })
  listSites() {
    return this.fleet.listSites();
  }

  @Roles('planner')
  @Put('disposal-sites/:id')
  @ApiOperation({ summary: 'Create or replace a disposal site (planners and admins; audited)' })
  putSite(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: DisposalSiteDto) {
    return this.fleet.putSite(user, id, body);
  }
}
