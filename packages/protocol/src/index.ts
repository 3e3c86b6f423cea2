export * from './errors.js';
export * from './scopes.js';
export * from './tokens.js';
export * from './web-sdk.js';
