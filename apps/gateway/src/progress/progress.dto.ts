import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BLOCKED_BY, DRIVER_ACTIONS, type BlockedBy, type DriverActionKind, type DriverActionRequest } from '@vulgraad/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { PlansQuery } from '../plans/plans.dto';

/** The same day and district as the plans' list. */
export class ProgressQuery extends PlansQuery {}

export class DriverRouteQuery {
  @ApiPropertyOptional({ description: 'planners and operators: the truck; a driver gets their own' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string;
}

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

export class PhotoDto {
  @ApiProperty({ enum: PHOTO_TYPES })
  @IsIn(PHOTO_TYPES)
  contentType!: (typeof PHOTO_TYPES)[number];

  @ApiProperty({ description: 'the image, base64 (no data: prefix); at most GATEWAY_DRIVER_PHOTO_MAX_BYTES once decoded' })
  @IsString()
  base64!: string;
}

export class DriverActionDto implements DriverActionRequest {
  @ApiProperty({ description: 'made by the phone (a UUID): a retry with the same id is stored once', example: '5f0c1a9e-7a43-4b8e-9d2b-0c8e3f2a1b77' })
  @Matches(/^[A-Za-z0-9_-]{8,100}$/, { message: 'actionId must be 8-100 letters, digits, - or _' })
  actionId!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  containerId!: string;

  @ApiProperty({ enum: DRIVER_ACTIONS })
  @IsIn(DRIVER_ACTIONS)
  kind!: DriverActionKind;

  @ApiPropertyOptional({ enum: BLOCKED_BY, description: 'kind blocked: what blocked it' })
  @IsOptional()
  @IsIn(BLOCKED_BY)
  blockedBy?: BlockedBy;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 time of the tap on the phone; default when it arrives' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'at must be an ISO-8601 time' })
  at?: string;

  @ApiPropertyOptional({ type: PhotoDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PhotoDto)
  photo?: PhotoDto;

  @ApiPropertyOptional({ description: 'planners and operators: the truck; a driver acts for their own' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vehicleId?: string;
}
