import { bool, int, num } from './env';

/** The alert rules (defaults; districts may override them) and webhook delivery. */
export const alertsSpec = {
  fullPct: num('ALERT_FULL_PCT', 90, 'container_full opens at or above this fill, percent', 1, 150),
  batteryLowPct: num('ALERT_BATTERY_LOW_PCT', 15, 'battery_low opens below this charge, percent', 0, 100),
  temperatureHighC: num('ALERT_TEMPERATURE_HIGH_C', 65, 'temperature_high (fire) opens at or above this, °C', -50, 500),
  silentMultiple: num('ALERT_SILENT_MULTIPLE', 3, 'sensor_silent opens after this many reporting intervals without a reading', 1, 1000),
  overflowRisk: num('ALERT_OVERFLOW_RISK', 0.5, 'predicted_overflow opens when overflowing before the next planned visit is at least this likely', 0.01, 1),
  overflowHorizonH: num('ALERT_OVERFLOW_HORIZON_H', 24, 'Hours ahead a container no plan visits is checked for overflow', 1, 24 * 14),
  silenceCheckS: int('ALERT_SILENCE_CHECK_S', 60, 'Seconds between silent-sensor checks (simulated seconds when the clock is simulated)', 1, 86400),
  overflowCheckS: int('ALERT_OVERFLOW_CHECK_S', 300, 'Seconds between predicted-overflow checks', 5, 86400),
  historyDays: int('ALERT_HISTORY_DAYS', 14, 'Days of readings the overflow forecast learns from at start', 1, 365),
  httpPort: int('ALERTS_HTTP_PORT', 3103, 'Port of the alerts service /health (0 = any free port)', 0, 65535),
  webhookMaxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 8, 'Attempts before a webhook delivery is given up', 1, 100),
  webhookBackoffBaseMs: int('WEBHOOK_BACKOFF_BASE_MS', 2000, 'Wait before the first retry; each retry waits twice as long', 10, 3600000),
  webhookBackoffMaxMs: int('WEBHOOK_BACKOFF_MAX_MS', 3600000, 'Longest wait between two attempts', 10, 86400000),
  webhookAllowPrivateTargets: bool('WEBHOOK_ALLOW_PRIVATE_TARGETS', false, 'Let webhooks reach loopback, private and link-local addresses (a receiver inside the deployment); false = such URLs are refused when saved and not called when they resolve there'),
  webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 5000, 'A receiver that has not answered by then counts as failed', 100, 120000),
};
