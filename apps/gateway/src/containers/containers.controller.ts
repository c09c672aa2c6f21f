import { Body, Delete, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { DomainError } from '@vulgraad/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { ContainerDto, ContainerListQuery, ForecastQuery, ReadingsQuery } from './containers.dto';
import { ContainersService, type ImportReport } from './containers.service';
import { ApiController } from '../common/api-controller';

@ApiController('api', 'containers')
export class ContainersController {
  constructor(private readonly containers: ContainersService) {}

  @Roles('viewer')
  @Get('containers')
  @ApiOperation({ summary: 'Containers with their latest state, as GeoJSON, by district, waste type or bounding box' })
  list(@CurrentUser() user: AuthUser, @Query() query: ContainerListQuery) {
    return this.containers.list(user, query);
  }

  @Roles('viewer')
  @Get('containers/:id')
  @ApiOperation({ summary: 'One container: registry fields, latest state, sensor bindings, last emptying' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.containers.get(user, id);
  }

  @Roles('operator')
  @Post('containers')
  @ApiOperation({ summary: 'Register a container' })
  create(@CurrentUser() user: AuthUser, @Body() body: ContainerDto) {
    return this.containers.create(user, body);
  }

  @Roles('operator')
  @Put('containers/:id')
  @ApiOperation({ summary: 'Change a container' })
  update(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() body: ContainerDto) {
    return this.containers.update(user, id, body);
  }

  @Roles('operator')
  @Delete('containers/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Take a container out of service (history stays)' })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string): Promise<void> {
    await this.containers.deactivate(user, id);
  }

  @Roles('operator')
  @Post('containers/import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bulk import from CSV (text/csv) or GeoJSON (application/geo+json); answers with a report per row' })
  @ApiConsumes('text/csv', 'application/geo+json', 'application/json')
  @ApiBody({ description: 'CSV with a header (external_ref,lng,lat,district,waste_type,container_type,volume_l,depth_mm,access_from_min,access_to_min,address) or a FeatureCollection of Points', schema: { type: 'string' } })
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  import(@CurrentUser() user: AuthUser, @Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Query('dryRun') dryRun?: string): Promise<ImportReport> {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
    const format = type === 'text/csv' || type === 'text/plain' ? 'csv' : type === 'application/geo+json' || type === 'application/json' ? 'geojson' : null;
    if (!format) throw new DomainError('validation', `send text/csv or application/geo+json, not ${type || 'nothing'}`, 'content-type');
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') throw new DomainError('validation', 'dryRun must be true or false', 'dryRun');
    return this.containers.import(user, body, format, dryRun === 'true');
  }

  @Roles('viewer')
  @Get('containers/:id/readings')
  @ApiOperation({ summary: 'Fill history: raw readings or the hourly/daily roll-ups (continuous aggregates on TimescaleDB)' })
  readings(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query() query: ReadingsQuery) {
    return this.containers.readings(user, id, query.resolution ?? 'hourly', query.from, query.to);
  }

  @Roles('viewer')
  @Get('containers/:id/forecast')
  @ApiOperation({ summary: 'Fill forecast per hour with an 80 % band, expected full time and sensor status' })
  forecast(@CurrentUser() user: AuthUser, @Param('id') id: string, @Query() query: ForecastQuery) {
    return this.containers.forecast(user, id, query.hours ?? 48);
  }

  @Roles('viewer')
  @Get('districts')
  @ApiOperation({ summary: 'Districts the user may see, with their number of containers' })
  districts(@CurrentUser() user: AuthUser) {
    return this.containers.districts(user);
  }
}
