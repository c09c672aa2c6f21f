import { Body, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { DomainError } from '@vulgraad/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { BindDto, DeviceDto, RejectedQuery, UnbindDto } from './devices.dto';
import { DevicesService } from './devices.service';
import { ApiController } from '../common/api-controller';

@ApiController('api', 'devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Roles('viewer')
  @Get('devices')
  @ApiOperation({ summary: 'Devices by reference (external ref or DevEUI), or the devices and bindings of a container' })
  @ApiQuery({ name: 'ref', required: false })
  @ApiQuery({ name: 'containerId', required: false })
  find(@CurrentUser() user: AuthUser, @Query('ref') ref?: string, @Query('containerId') containerId?: string) {
    if (containerId) return this.devices.ofContainer(user, containerId);
    if (ref) return this.devices.findByRef(user, ref);
    throw new DomainError('validation', 'give ref or containerId', 'ref');
  }

  @Roles('viewer')
  @Get('devices/:id')
  @ApiOperation({ summary: 'A device with every binding it ever had' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.devices.get(user, id);
  }

  @Roles('operator')
  @Post('devices')
  @ApiOperation({ summary: 'Register a device, or update it by its external reference' })
  upsert(@CurrentUser() user: AuthUser, @Body() body: DeviceDto) {
    return this.devices.upsert(user, body);
  }

  @Roles('operator')
  @Post('devices/:id/bind')
  @ApiOperation({ summary: 'Fit the device to a container from a moment on (closes its previous binding: a sensor swap keeps history)' })
  bind(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: BindDto) {
    return this.devices.bind(user, id, body.containerId, body.validFrom);
  }

  @Roles('operator')
  @Post('devices/:id/unbind')
  @ApiOperation({ summary: 'The sensor was removed: end its binding' })
  unbind(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: UnbindDto) {
    return this.devices.unbind(user, id, body.at);
  }

  @Roles('operator')
  @Get('rejected-messages')
  @ApiOperation({ summary: 'Messages the ingest could not turn into readings, with the reason, newest first' })
  rejected(@CurrentUser() user: AuthUser, @Query() query: RejectedQuery) {
    return this.devices.rejectedMessages(user, query);
  }
}
