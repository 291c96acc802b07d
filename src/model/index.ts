export * from './graph.js';
export * from './ids.js';
export * from './kinds.js';
export * from './network.js';
export * from './roles.js';
export * from './kubernetes.js';
