import { Body, Delete, Get, Param, Post, Put } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators';
import type { AuthUser } from '../auth/roles';
import { ApiController } from '../common/api-controller';
import { HttpIntegrationDto, LorawanApplicationDto, MqttAccountDto } from './onboarding.dto';
import { OnboardingService } from './onboarding.service';

/** Onboarding while the system runs: device secrets, LoRaWAN applications, broker accounts, HTTP integrations. */
@ApiController('api', 'onboarding')
export class OnboardingController {
  constructor(private readonly onboarding: OnboardingService) {}

  @Roles('planner')
  @Post('devices/:id/secret')
  @ApiOperation({ summary: 'A new secret for a device (its broker login and HTTP door), shown once and stored hashed; the old one stops working' })
  deviceSecret(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.onboarding.deviceSecret(user, id);
  }

  @Roles('viewer')
  @Get('onboarding/decoders')
  @ApiOperation({ summary: 'The sensor models whose raw uplinks vulgraad decodes' })
  decoders() {
    return this.onboarding.decoders();
  }

  @Roles('planner')
  @Get('lorawan-applications')
  @ApiOperation({ summary: 'LoRaWAN applications, their default decoder and how many devices each has' })
  applications() {
    return this.onboarding.applications();
  }

  @Roles('planner')
  @Put('lorawan-applications/:applicationId')
  @ApiOperation({ summary: 'Register a LoRaWAN application or change its name and default decoder' })
  upsertApplication(@CurrentUser() user: AuthUser, @Param('applicationId') applicationId: string, @Body() body: LorawanApplicationDto) {
    return this.onboarding.upsertApplication(user, applicationId, body);
  }

  @Roles('admin')
  @Get('mqtt-accounts')
  @ApiOperation({ summary: 'Broker accounts of network servers and services (never their passwords)' })
  mqttAccounts() {
    return this.onboarding.mqttAccounts();
  }

  @Roles('admin')
  @Post('mqtt-accounts')
  @ApiOperation({ summary: 'Create a broker account (or give it a new password); the password is shown once' })
  setMqttAccount(@CurrentUser() user: AuthUser, @Body() body: MqttAccountDto) {
    return this.onboarding.setMqttAccount(user, body);
  }

  @Roles('admin')
  @Delete('mqtt-accounts/:username')
  @ApiOperation({ summary: 'End a broker account: its next login is refused' })
  deactivateMqttAccount(@CurrentUser() user: AuthUser, @Param('username') username: string) {
    return this.onboarding.deactivateMqttAccount(user, username);
  }

  @Roles('admin')
  @Get('http-integrations')
  @ApiOperation({ summary: 'Network servers delivering uplinks over HTTP (The Things Stack webhooks, ChirpStack, KPN Things)' })
  httpIntegrations() {
    return this.onboarding.httpIntegrations();
  }

  @Roles('admin')
  @Post('http-integrations')
  @ApiOperation({ summary: 'Create an HTTP integration (or give it a new secret); the secret is shown once with what to configure' })
  setHttpIntegration(@CurrentUser() user: AuthUser, @Body() body: HttpIntegrationDto) {
    return this.onboarding.setHttpIntegration(user, body);
  }

  @Roles('admin')
  @Delete('http-integrations/:name')
  @ApiOperation({ summary: 'End an HTTP integration: its requests are refused from the ingest\'s next cache refresh on' })
  deactivateHttpIntegration(@CurrentUser() user: AuthUser, @Param('name') name: string) {
    return this.onboarding.deactivateHttpIntegration(user, name);
  }
}
