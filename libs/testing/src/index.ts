export * from './environment.js';
export * from './databases.js';
export * from './wait.js';
export * from './stack.js';
export * from './fake-spotify.js';
export * from './counted-once.js';
export * from './class-log.js';
export * from './live-class.js';
