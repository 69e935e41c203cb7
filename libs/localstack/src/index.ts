export * from './ports.js';
export * from './nats-server.js';
export * from './postgres.js';
export * from './postgres-placement.js';
export * from './migrate.js';
export * from './service-process.js';
export * from './tether.js';
export * from './tls.js';
