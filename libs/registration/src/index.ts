export { applyRegistrations, type RegistrationCounts } from './apply-registrations';
export { fromCityDocument, readRegistrations, RegistrationFileError, type RegistrationSet } from './registration-file';
