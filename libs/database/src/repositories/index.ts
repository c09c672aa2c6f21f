export * from './containers.repository';
export * from './devices.repository';
export * from './readings.repository';
export { binaryCopyFits, readingsAsCopyBinary } from './copy-binary';
export * from './rejected-messages.repository';
export * from './collections.repository';
export * from './fleet.repository';
export * from './districts.repository';
export * from './vehicle-positions.repository';
