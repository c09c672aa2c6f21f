import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ALERT_CAUSES } from '@vulgraad/alerts';
import type { AlertCause } from '@vulgraad/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';

export const ALERT_STATUS_FILTERS = ['open', 'acknowledged', 'resolved', 'unresolved'] as const;

export class AlertsQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUS_FILTERS, default: 'unresolved' })
  @IsOptional()
  @IsIn(ALERT_STATUS_FILTERS)
  status?: (typeof ALERT_STATUS_FILTERS)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  district?: string;

  @ApiPropertyOptional({ enum: ALERT_CAUSES })
  @IsOptional()
  @IsIn(ALERT_CAUSES)
  cause?: AlertCause;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  containerId?: string;

  @ApiPropertyOptional({ description: 'ISO-8601: alerts opened before this (paging)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  before?: string;

  @ApiPropertyOptional({ default: 200, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class AlertNoteDto {
  @ApiPropertyOptional({ description: 'what was done or seen' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class ThresholdsDto {
  @ApiPropertyOptional({ nullable: true, minimum: 1, maximum: 150 })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(150)
  fullPct?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100)
  batteryLowPct?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsNumber()
  @Min(-50)
  @Max(500)
  temperatureHighC?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(1)
  @Max(1000)
  silentMultiple?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0.01, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0.01)
  @Max(1)
  overflowRisk?: number | null;
}

export class WebhookDto {
  @ApiProperty({ example: 'https://ops.example.org/hooks/vulgraad' })
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'url must be an http(s) URL' })
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ minLength: 16, description: 'shared key of the HMAC-SHA256 signature (x-vulgraad-signature: t=<unix>,v1=<hex of HMAC("<t>.<body>")>)' })
  @IsString()
  @Length(16, 200)
  secret!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  description?: string;

  @ApiPropertyOptional({ enum: ALERT_CAUSES, isArray: true, description: 'only these causes; omit = all' })
  @IsOptional()
  @IsArray()
  @IsIn(ALERT_CAUSES, { each: true })
  causes?: AlertCause[];

  @ApiPropertyOptional({ type: [String], description: 'only these districts; omit = all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  districts?: string[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}
