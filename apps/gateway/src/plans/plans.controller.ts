import { Body, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery } from '@nestjs/swagger';
import { DomainError } from '@vulgraad/contracts';
import type { HttpResponse } from '../common/http';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { EditsQuery, FeedbackDto, PlannerEditDto, PlansQuery } from './plans.dto';
import { PlansService, type ExportFormat } from './plans.service';
import { ApiController } from '../common/api-controller';

const FORMATS: readonly ExportFormat[] = ['geojson', 'gpx', 'csv'];

@ApiController('api', 'plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Roles('viewer')
  @Get('plans')
  @ApiOperation({ summary: 'Published plans of a shift date (default today), with their routes' })
  list(@CurrentUser() user: AuthUser, @Query() query: PlansQuery) {
    return this.plans.list(user, query.date, query.district);
  }

  @Roles('viewer')
  @Get('plans/:id')
  @ApiOperation({ summary: 'A plan with every route, stop, arrival time, load and the reason each stop is there' })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.plans.get(user, id);
  }

  @Roles('viewer')
  @Get('plans/:id/versions')
  @ApiOperation({ summary: 'Every version of the plan\'s shift, oldest first, with what triggered it' })
  versions(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.plans.versions(user, id);
  }

  @Roles('viewer')
  @Get('plans/:id/export/:format')
  @ApiOperation({ summary: 'Export a plan, or one truck\'s route, as GeoJSON, GPX or CSV' })
  @ApiParam({ name: 'format', enum: FORMATS })
  @ApiQuery({ name: 'vehicleId', required: false })
  async export(@CurrentUser() user: AuthUser, @Param('id') id: string, @Param('format') format: string, @Res() res: HttpResponse, @Query('vehicleId') vehicleId?: string): Promise<void> {
    if (!FORMATS.includes(format as ExportFormat)) throw new DomainError('validation', `format must be one of ${FORMATS.join(', ')}`, 'format');
    const file = await this.plans.export(user, id, format as ExportFormat, vehicleId);
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  }

  @Roles('viewer')
  @Get('plan-edits')
  @ApiOperation({ summary: 'Planner decisions: of a district\'s shift, of a container, or the latest (audit log)' })
  edits(@CurrentUser() user: AuthUser, @Query() query: EditsQuery) {
    return this.plans.listEdits(user, query);
  }

  @Roles('planner')
  @Post('plan-edits')
  @ApiOperation({ summary: 'Lock, exclude or add a container on a shift (or clear earlier edits), with a reason; the planner re-plans' })
  edit(@CurrentUser() user: AuthUser, @Body() body: PlannerEditDto) {
    return this.plans.edit(user, body);
  }

  @Roles('operator')
  @Post('feedback')
  @ApiOperation({ summary: 'A driver reports a stop: emptied (with the fill seen), blocked or damaged' })
  feedback(@CurrentUser() user: AuthUser, @Body() body: FeedbackDto) {
    return this.plans.feedback(user, body);
  }
}
