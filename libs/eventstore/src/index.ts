export * from './codec.js';
export * from './streams.js';
export * from './event-store.js';
export * from './projection-runner.js';
export * from './device-status-store.js';
export * from './studio-registry.js';
export * from './projection-failures.js';
export * from './nats-outage.js';
