import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { CONTAINER_TYPES, WASTE_FRACTIONS, type ContainerType, type WasteFraction } from '@vulgraad/contracts';
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class AccessWindowDto {
  @ApiProperty({ minimum: 0, maximum: 1440, description: 'minutes after local midnight' })
  @IsInt()
  @Min(0)
  @Max(1440)
  fromMin!: number;

  @ApiProperty({ minimum: 0, maximum: 1440 })
  @IsInt()
  @Min(0)
  @Max(1440)
  toMin!: number;
}

export class ContainerDto {
  @ApiPropertyOptional({ description: "the city's own reference; unique" })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalRef?: string;

  @ApiProperty({ minimum: -180, maximum: 180 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lng!: number;

  @ApiProperty({ minimum: -90, maximum: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  district!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string;

  @ApiProperty({ enum: WASTE_FRACTIONS })
  @IsIn(WASTE_FRACTIONS)
  wasteType!: WasteFraction;

  @ApiPropertyOptional({ enum: CONTAINER_TYPES, default: 'underground' })
  @IsOptional()
  @IsIn(CONTAINER_TYPES)
  containerType?: ContainerType;

  @ApiProperty({ minimum: 1, maximum: 100000 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  volumeL!: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, description: 'sensor-to-bottom distance for distance sensors' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  depthMm?: number;

  @ApiPropertyOptional({ type: AccessWindowDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AccessWindowDto)
  accessWindow?: AccessWindowDto;
}

export class ContainerListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  district?: string;

  @ApiPropertyOptional({ enum: WASTE_FRACTIONS })
  @IsOptional()
  @IsIn(WASTE_FRACTIONS)
  wasteType?: WasteFraction;

  @ApiPropertyOptional({ description: 'west,south,east,north in degrees', example: '4.85,52.35,4.95,52.40' })
  @IsOptional()
  @Matches(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, { message: 'bbox must be west,south,east,north' })
  bbox?: string;

  @ApiPropertyOptional({ default: 20000, maximum: 50000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50_000)
  limit?: number;
}

export const RESOLUTIONS = ['raw', 'hourly', 'daily'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export class ReadingsQuery {
  @ApiPropertyOptional({ enum: RESOLUTIONS, default: 'hourly' })
  @IsOptional()
  @IsIn(RESOLUTIONS)
  resolution?: Resolution;

  @ApiPropertyOptional({ description: 'ISO-8601; default depends on the resolution (7 days raw/hourly, 90 days daily)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class ForecastQuery {
  @ApiPropertyOptional({ default: 48, minimum: 1, maximum: 336 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(336)
  hours?: number;
}
