export * from './common.js';
export * from './gateway.js';
export * from './events.js';
export * from './live.js';
export * from './rest.js';
export * from './listing.js';
export * from './history.js';
export * from './rest-responses.js';
