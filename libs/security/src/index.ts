export { DEFAULT_HASH_ITERATIONS, generateSecret, hashSecret, MOSQUITTO_HASH_PREFIX, verifySecret } from './credentials';
export { clientIdRefusal, type MqttIdentity, mayPublish, maySubscribe, SAFE_USERNAME, SERVICE_CLIENT_ID_PREFIX } from './topic-rules';
export { type MosquittoFiles, type MqttAccount, mosquittoFiles } from './mosquitto-files';
export { MqttAccountsRepository } from './mqtt-accounts.repository';
export { HTTP_INTEGRATION_KINDS, type HttpIntegration, type HttpIntegrationKind, HttpIntegrationsRepository } from './http-integrations.repository';
export { type AuthError, type BrokerAuth, type BrokerAuthOptions, type BrokerClient, BAD_USERNAME_OR_PASSWORD, createBrokerAuth, IDENTIFIER_REJECTED, NOT_AUTHORIZED } from './broker-auth';
export { cliActor, recordAudit } from './audit';
