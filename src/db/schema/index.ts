export * from './auth.js';
export * from './workspaces.js';
export * from './contacts.js';
export * from './senders.js';
export * from './campaigns.js';
export * from './inbox.js';
export * from './billing.js';
