// The alerts' door: what another app (the all-in-one) may use of it.
export { AlertsModule } from './alerts.module';
