export * from './authority.js';
export * from './permissions.js';
export * from './server-config.js';
export * from './account-updates.js';
export * from './connect-options.js';
export * from './setup.js';
