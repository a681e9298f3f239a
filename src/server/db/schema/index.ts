export * from './users.js';
export * from './accounts.js';
export * from './surveys.js';
export * from './tasks.js';
export * from './program.js';
export * from './touchpoints.js';
export * from './pulses.js';
export * from './team-pulses.js';
