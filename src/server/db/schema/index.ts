export * from './users.js';
export * from './accounts.js';
