import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class PlansQuery {
  @ApiPropertyOptional({ description: 'shift date YYYY-MM-DD; default today in the city' })
  @IsOptional()
  @Matches(DATE, { message: 'date must be YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  district?: string;
}

export const EDIT_ACTIONS = ['lock', 'exclude', 'add', 'clear'] as const;

export class PlannerEditDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  containerId!: string;

  @ApiProperty({ enum: EDIT_ACTIONS, description: 'lock: keep it on the plan (on a truck); exclude: leave it out; add: take it although not needed; clear: withdraw earlier edits' })
  @IsIn(EDIT_ACTIONS)
  action!: (typeof EDIT_ACTIONS)[number];

  @ApiProperty({ description: 'why; kept in the audit log and shown as the stop\'s reason' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiProperty({ description: 'the shift it applies to, YYYY-MM-DD' })
  @Matches(DATE, { message: 'shiftDate must be YYYY-MM-DD' })
  shiftDate!: string;

  @ApiPropertyOptional({ description: 'lock only: the truck that must take it' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string;
}

export class EditsQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  district?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(DATE, { message: 'shiftDate must be YYYY-MM-DD' })
  shiftDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  containerId?: string;
}

export const FEEDBACK_KINDS = ['emptied', 'blocked', 'damaged'] as const;

export class FeedbackDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  containerId!: string;

  @ApiProperty({ enum: FEEDBACK_KINDS })
  @IsIn(FEEDBACK_KINDS)
  kind!: (typeof FEEDBACK_KINDS)[number];

  @ApiPropertyOptional({ minimum: 0, maximum: 150, description: 'emptied: the fill the driver saw before emptying' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(150)
  observedFillPct?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  planId?: string;
}
