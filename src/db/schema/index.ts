export * from './auth.js';
export * from './workspaces.js';
export * from './contacts.js';
export * from './senders.js';
