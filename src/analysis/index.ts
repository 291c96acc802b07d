export { computeExposure, type ExposedAsset, type ExposedPort, type ExposureReport, type ExposureResult } from './exposure.js';
export { ExposureFilterSchema, filterExposure, type ExposureFilter } from './filter.js';
export { AnalysisInputError } from './network-view.js';
