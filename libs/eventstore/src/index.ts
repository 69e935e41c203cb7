export * from './codec.js';
export * from './streams.js';
export * from './event-store.js';
export * from './projection-runner.js';
export * from './device-status-store.js';
export * from './following.js';
export * from './connection-events.js';
