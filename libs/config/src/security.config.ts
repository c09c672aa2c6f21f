import { bool, int, str } from './env';

/** Who may use the MQTT broker and the gateway's login. */
export const securitySpec = {
  embeddedMqttAuth: bool('EMBEDDED_MQTT_AUTH', true, 'Embedded broker: devices log in with their own secret (npm run cli -- device-secret) and publish on their own topic only; the all-in-one\'s ingest and simulator log in as MQTT_USERNAME/MQTT_PASSWORD, or a service login made at start when unset. false = anyone may connect and publish'),
  embeddedMqttMaxPacketBytes: int('EMBEDDED_MQTT_MAX_PACKET_BYTES', 1048576, 'Embedded broker: a client that sends a larger MQTT packet (header and payload) is disconnected before the packet is read; larger than INGEST_MAX_PAYLOAD_BYTES, so an oversize reading still reaches rejected_messages', 1024, 268435455),
  mosquittoAuthDir: str('MOSQUITTO_AUTH_DIR', '', 'Folder of the passwd, acl, services.passwd and services.acl files Mosquitto reads: written again by the gateway after every change of a login made through the API (empty = not kept in step; the embedded broker needs none)'),
  mosquittoPidFile: str('MOSQUITTO_PID_FILE', '', 'Mosquitto\'s pid file: the gateway sends it SIGHUP after writing MOSQUITTO_AUTH_DIR, so a new login works at once (empty = reload Mosquitto yourself)'),
  loginMaxFailures: int('GATEWAY_LOGIN_MAX_FAILURES', 10, 'Failed logins per user name at one client address, and per client address, within GATEWAY_LOGIN_WINDOW_S before further attempts from there are refused (429)', 1, 100000),
  loginUserMaxFailures: int('GATEWAY_LOGIN_USER_MAX_FAILURES', 100, 'Failed logins per user name from all addresses together within GATEWAY_LOGIN_WINDOW_S before it is refused everywhere (429): slows guessing from many addresses without letting one address lock a user out', 1, 1000000),
  loginWindowS: int('GATEWAY_LOGIN_WINDOW_S', 900, 'See GATEWAY_LOGIN_MAX_FAILURES', 1, 86400),
};
