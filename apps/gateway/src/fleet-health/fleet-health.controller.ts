import { Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { ApiController } from '../common/api-controller';
import { toCsv, type CsvValue } from '@vulgraad/csv';
import type { HttpResponse } from '../common/http';
import { FLEET_CSV_COLUMNS, FleetHealthService } from './fleet-health.service';
import { SENSOR_HEALTH_FLAGS } from './sensor-health';

export class FleetHealthQuery {
  @ApiPropertyOptional({ default: 14, minimum: 4, maximum: 60, description: 'days of readings judged' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(4)
  @Max(60)
  days?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  district?: string;

  @ApiPropertyOptional({ enum: SENSOR_HEALTH_FLAGS })
  @IsOptional()
  @IsIn(SENSOR_HEALTH_FLAGS)
  flag?: string;

  @ApiPropertyOptional({ description: 'part of the device or container reference' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class RejectedOfDeviceQuery {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

@ApiController('api', 'fleet health')
export class FleetHealthController {
  constructor(private readonly fleet: FleetHealthService) {}

  @Roles('operator', 'planner')
  @Get('fleet-health')
  @ApiOperation({ summary: 'Every bound sensor: last message, battery and its trend, radio, data quality, rejected messages, and flags (silent, battery_failing, gaps_growing, ...); ?format=csv exports' })
  async list(@CurrentUser() user: AuthUser, @Query() query: FleetHealthQuery, @Res({ passthrough: true }) res: HttpResponse) {
    const rows = await this.fleet.list(user, query);
    if (query.format !== 'csv') return rows;
    res.type('text/csv; charset=utf-8').setHeader('content-disposition', 'attachment; filename="fleet-health.csv"');
    return toCsv(FLEET_CSV_COLUMNS, rows.map((r) => FLEET_CSV_COLUMNS.map((c): CsvValue => (c === 'flags' ? r.flags.join(' ') : (r[c] as CsvValue)))));
  }

  @Roles('operator', 'planner')
  @Get('fleet-health/:deviceId/rejected')
  @ApiOperation({ summary: 'The rejected messages of one device, newest first, with the reason' })
  rejected(@CurrentUser() user: AuthUser, @Param('deviceId') deviceId: string, @Query() query: RejectedOfDeviceQuery) {
    return this.fleet.rejected(user, deviceId, query.limit ?? 50);
  }
}
