export * from './metrics.js';
export * from './health.js';
export * from './runtime.js';
export * from './auth.js';
export * from './access.js';
export * from './announce.js';
export * from './requests.js';
export * from './replicas.js';
