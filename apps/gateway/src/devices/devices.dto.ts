import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export class DeviceDto {
  @ApiProperty({ description: 'the identity the device reports under (native device id or TTN device id)' })
  @IsString()
  @Length(1, 100)
  externalRef!: string;

  @ApiPropertyOptional({ description: 'LoRaWAN DevEUI, 16 hex digits' })
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{16}$/, { message: 'devEui must be 16 hex digits' })
  devEui?: string;

  @ApiPropertyOptional({ description: 'decoder name for raw LoRaWAN payloads' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  model?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  lorawanApplicationId?: string;

  @ApiPropertyOptional({ default: 3600, minimum: 10, maximum: 604800 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(604_800)
  reportingIntervalS?: number;
}

export class BindDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  containerId!: string;

  @ApiPropertyOptional({ description: 'ISO-8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  validFrom?: string;
}

export class UnbindDto {
  @ApiPropertyOptional({ description: 'ISO-8601; default now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class RejectedQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 50)
  reason?: string;

  @ApiPropertyOptional({ description: 'ISO-8601' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
