import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

const ID = /^[A-Za-z0-9._@-]{1,128}$/;

export class LorawanApplicationDto {
  @ApiPropertyOptional({ description: 'a name people read' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ description: 'decoder of raw uplinks for devices of this application that name none (GET /api/onboarding/decoders); null = none' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  defaultModel?: string;
}

export class MqttAccountDto {
  @ApiProperty({ description: 'user name on the broker: letters, digits, . _ @ -' })
  @Matches(ID, { message: 'username must be 1-128 letters, digits, . _ @ -' })
  username!: string;

  @ApiProperty({ enum: ['service', 'network_server'] })
  @IsIn(['service', 'network_server'])
  kind!: 'service' | 'network_server';

  @ApiPropertyOptional({ description: 'network servers: the topic application segments they publish under (app@tenant for The Things Stack, the application id for ChirpStack); omitted = any', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ID, { each: true, message: 'each application must be 1-128 letters, digits, . _ @ -' })
  applications?: string[];
}

export class HttpIntegrationDto {
  @ApiProperty({ description: 'the name in the integration URL, /uplinks/<kind>/<name>: letters, digits, . _ -' })
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'name must be 1-64 letters, digits, . _ -' })
  name!: string;

  @ApiProperty({ enum: ['tts', 'chirpstack', 'kpn'] })
  @IsIn(['tts', 'chirpstack', 'kpn'])
  kind!: 'tts' | 'chirpstack' | 'kpn';

  @ApiPropertyOptional({ description: 'application ids it may deliver for (The Things Stack application id, ChirpStack application id); omitted = any. KPN devices carry the integration name as their application', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^[^/+#@\s]{1,128}$/, { each: true, message: 'each application must be an application id (no / + # @ or spaces)' })
  applications?: string[];
}
