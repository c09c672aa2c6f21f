export * from './topics';
export { parseMessage, DEFAULT_MAX_PAYLOAD_BYTES, type ParseOptions } from './parse-message';
export { NATIVE_VERSION, type NativeReadingV1 } from './native';
export { readDecodedValues, hasMeasurement, type DecodedFields } from './decoded-values';
export * from './quality';
export { withoutNul } from './fields';
export * from './decoders';
export * from './uplink-builders';
export * from './codecs';
