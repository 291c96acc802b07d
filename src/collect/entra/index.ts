export { collectEntra, type EntraCollectOptions, type EntraCollectResult } from './collect.js';
export { ENTRA_FAMILIES, type EntraFamily } from './families.js';
export { permissionFix } from './failures.js';
