import { randomBytes } from 'node:crypto';
import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Config } from '@vulgraad/config';
import { CONFIG } from '@vulgraad/contracts';
import { AlertsController, WebhooksController } from './alerts/alerts.controller';
import { AlertsService } from './alerts/alerts.service';
import { AuditController, HealthController } from './audit/audit.controller';
import { AuditRepository } from './audit/audit.repository';
import { AuditService } from './audit/audit.service';
import { AuthController, UsersController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { LOGIN_THROTTLER, LoginAttempts } from './auth/login-attempts';
import { MemoryThrottlerStorage, RedisThrottlerStorage } from './auth/login-throttler.storage';
import { TokenService } from './auth/token.service';
import { UsersRepository } from './auth/users.repository';
import { UsersService } from './auth/users.service';
import { ErrorFilter } from './common/error.filter';
import { repositoryProviders } from './common/repositories';
import { ContainerViewsRepository } from './containers/container-views.repository';
import { ContainersController } from './containers/containers.controller';
import { ContainersService } from './containers/containers.service';
import { DevicesController } from './devices/devices.controller';
import { DevicesService } from './devices/devices.service';
import { FleetController } from './fleet/fleet.controller';
import { FleetService } from './fleet/fleet.service';
import { LiveController } from './live/live.controller';
import { LiveGateway } from './live/live.gateway';
import { LiveService } from './live/live.service';
import { DriverActionsService } from './progress/driver-actions.service';
import { ProgressController } from './progress/progress.controller';
import { ProgressService } from './progress/progress.service';
import { StopOutcomesRepository } from './progress/stop-outcomes.repository';
import { SlowConsumerGuard } from './live/slow-consumers';
import { MapController } from './map/map.controller';
import { GatewayMetrics } from './observability/gateway.metrics';
import { GatewayHealthController, GatewayMetricsController } from './observability/observability.controller';
import { MapService } from './map/map.service';
import { FleetHealthController } from './fleet-health/fleet-health.controller';
import { FleetHealthRepository } from './fleet-health/fleet-health.repository';
import { FleetHealthService } from './fleet-health/fleet-health.service';
import { OnboardingController } from './onboarding/onboarding.controller';
import { OnboardingService } from './onboarding/onboarding.service';
import { OpenDataController } from './open-data/open-data.controller';
import { OpenDataService } from './open-data/open-data.service';
import { PlansController } from './plans/plans.controller';
import { PlansService } from './plans/plans.service';
import { QueueBoard } from './queues/queue-board';

/** Creates the first admin from configuration once the application is up. */
class FirstAdmin implements OnApplicationBootstrap {
  constructor(private readonly users: UsersService) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.users.ensureFirstAdmin();
  }
}

/**
 * The gateway: REST API (OpenAPI), socket.io live feed, open data and the
 * dashboard's API. Needs CONFIG, DATABASE, EVENT_BUS and CLOCK from
 * CoreModule (its own process) or the all-in-one process.
 */
@Module({
  imports: [
    // Login counts: in Redis when REDIS_URL is set, so that the limits hold across replicas.
    ThrottlerModule.forRootAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => ({
        throttlers: [{ name: LOGIN_THROTTLER, ttl: config.security.loginWindowS * 1000, limit: config.security.loginMaxFailures }],
        storage: config.core.redisUrl ? new RedisThrottlerStorage(config.core.redisUrl, config.gateway.loginRedisPrefix) : new MemoryThrottlerStorage(),
      }),
    }),
    JwtModule.registerAsync({
      inject: [CONFIG],
      useFactory: (config: Config) => {
        let secret = config.gateway.jwtSecret;
        if (!secret) {
          secret = randomBytes(32).toString('base64');
          new Logger('Gateway').warn({ msg: 'GATEWAY_JWT_SECRET is not set: using a random key, so logins end when this process stops and replicas do not accept each other\'s tokens' });
        }
        return { secret, signOptions: { algorithm: 'HS256', expiresIn: config.gateway.tokenTtlS }, verifyOptions: { algorithms: ['HS256'] } };
      },
    }),
  ],
  controllers: [
    AuthController,
    UsersController,
    ContainersController,
    DevicesController,
    FleetController,
    OnboardingController,
    FleetHealthController,
    PlansController,
    AlertsController,
    WebhooksController,
    OpenDataController,
    MapController,
    LiveController,
    ProgressController,
    AuditController,
    HealthController,
    GatewayHealthController,
    GatewayMetricsController,
  ],
  providers: [
    ...repositoryProviders,
    { provide: FirstAdmin, inject: [UsersService], useFactory: (users: UsersService) => new FirstAdmin(users) },
    AuditRepository,
    AuditService,
    UsersRepository,
    LoginAttempts,
    QueueBoard,
    UsersService,
    TokenService,
    AuthGuard,
    ErrorFilter,
    ContainerViewsRepository,
    ContainersService,
    DevicesService,
    FleetService,
    OnboardingService,
    FleetHealthRepository,
    FleetHealthService,
    PlansService,
    AlertsService,
    OpenDataService,
    MapService,
    LiveService,
    LiveGateway,
    StopOutcomesRepository,
    ProgressService,
    DriverActionsService,
    SlowConsumerGuard,
    GatewayMetrics,
  ],
  exports: [LiveService, UsersService, ProgressService],
})
export class GatewayModule {}
