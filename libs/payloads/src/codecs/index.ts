export { CodecSandbox, type CodecInput, type CodecLimits, type CodecOutcome, DEFAULT_CODEC_LIMITS } from './codec-sandbox';
export { applyMapping, type AlarmRule, type CodecMapping, type FieldRule, MAPPED_FIELDS, mappingProblems } from './codec-mapping';
export { CODEC_FILE_SUFFIX, listCodecModels, VendorCodecs } from './vendor-codecs';
