export { computeExposure, type ExposedAsset, type ExposedPort, type ExposureReport, type ExposureResult } from './exposure.js';
export { ExposureFilterSchema, filterExposure, type ExposureFilter } from './filter.js';
export { AnalysisInputError } from './network-view.js';
export { analysisResultsFor, type AnalysisOutput } from './attack-paths.js';
export { severityOf, type Severity } from './severity.js';
export { INGRESS_CONTROLLERS, reachThroughKubernetes } from './kubernetes/index.js';
