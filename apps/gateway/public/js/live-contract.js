// Written by `npm run build:live-contract` from libs/contracts (live-feed.ts); do not edit by hand.

export const LIVE_EVENTS = Object.freeze({
  "snapshot": "snapshot",
  "containers": "containers",
  "alert": "alert",
  "plan": "plan",
  "edit": "edit",
  "vehicle": "vehicle",
  "feedback": "feedback",
  "positions": "positions",
  "progress": "progress",
  "stop": "stop"
});

export const LIVE_REQUESTS = Object.freeze({
  "join": "join",
  "leave": "leave"
});

export const LIVE_ROOMS = Object.freeze({
  district: (district) => `district:${district}`,
  route: (vehicleId, shiftDate) => `route:${vehicleId}:${shiftDate}`,
});

export const ALERT_SEVERITIES = Object.freeze([
  "critical",
  "warning",
  "info"
]);

export const ALERT_CAUSE_SEVERITY = Object.freeze({
  "temperature_high": "critical",
  "stop_skipped": "critical",
  "container_full": "warning",
  "predicted_overflow": "warning",
  "sensor_tilted": "warning",
  "sensor_silent": "warning",
  "doubtful_data": "info",
  "battery_low": "info"
});

export const STOP_STATUSES = Object.freeze([
  "planned",
  "done",
  "skipped",
  "late"
]);

export const STOP_DONE_HOW = Object.freeze([
  "lift",
  "driver",
  "fill-drop"
]);

export const DRIVER_ACTIONS = Object.freeze([
  "done",
  "blocked",
  "not_accessible",
  "damaged",
  "contaminated",
  "waste_beside"
]);

export const SKIPPING_DRIVER_ACTIONS = Object.freeze([
  "blocked",
  "not_accessible",
  "damaged",
  "contaminated"
]);

export const BLOCKED_BY = Object.freeze([
  "parked_car",
  "road_works",
  "other"
]);

export const LIVE_API = Object.freeze({
  "progress": "/api/progress",
  "driverRoute": "/api/driver/route",
  "driverActions": "/api/driver/actions"
});
