/**
 * The Facebook Messenger channel: a small Graph API client (pinned version, appsecret_proof on
 * every token call) and the calls the product makes. Every function returns a GraphResult or a
 * SendMessageResult: expected failures are values, classified in errors.ts.
 */
export { appSecretProof, graphRequest, type GraphSettings } from './client.js';
export { classifyGraphError, type GraphFailure, type GraphFailureKind, type GraphResult } from './errors.js';
export { getProfile, type MessengerProfile } from './profile.js';
export { exchangeCode, exchangeToken, getPermissions, listPages, loginDialogUrl, subscribeApp, unsubscribeApp, LOGIN_SCOPES, REQUIRED_PERMISSIONS, WEBHOOK_FIELDS, type ManagedPage, type UserToken } from './pages.js';
export { sendMessage, MAX_TEXT_LENGTH, type MessageTag, type MessagingType, type SendMessageInput, type SendMessageResult } from './send-message.js';
