export * from './schemas/common.js';
export * from './schemas/user.js';
export * from './schemas/auth.js';
export * from './schemas/account.js';
export * from './schemas/contact.js';
export * from './csv.js';
