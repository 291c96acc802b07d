export { buildBom, BOM_FORMATS, type BomFormat, type BomImage, type CloudBom } from './bom.js';
export { CYCLONEDX_MEDIA_TYPE, toCycloneDxJson, toCycloneDxModel, validateCycloneDx } from './cyclonedx.js';
export { ociPurl } from './image-ref.js';
export {
  checkIntegrity,
  INTEGRITY_RULES,
  type IntegrityFinding,
  type IntegrityReport,
  type IntegrityRule,
  MICROSOFT_CONTAINER_REGISTRY,
  TRUSTED_REGISTRIES_ENV,
} from './integrity.js';
export {
  type ImageLocation,
  referencedImages,
  type ReferencedImage,
  type ReferencedImagesReport,
  type RunningImage,
  runningImages,
  type RunningImagesReport,
  type SecurityFlags,
  type UnresolvedContainer,
} from './running-images.js';
