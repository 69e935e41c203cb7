export * from './events.js';
export * from './program.js';
export * from './clock.js';
export * from './state.js';
export * from './decide.js';
export * from './decider.js';
export * from './totals.js';
