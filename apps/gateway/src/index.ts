// The gateway's door: what another app (the all-in-one) may use of it.
export { configureGateway } from './app-setup';
export { GatewayModule } from './gateway.module';
