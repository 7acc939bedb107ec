export * from './auth.js';
export * from './workspaces.js';
