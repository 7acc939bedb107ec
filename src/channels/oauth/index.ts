/** Shared pieces of the OAuth/HTTP-API channels (Gmail API, Microsoft Graph). */
export { refreshAccessToken, type RefreshRequest, type RefreshResult } from './refresh-token.js';
export { createTokenSource, type OAuthTokens, type StoredTokens, type TokenResult, type TokenSource, type TokenSourceOptions } from './token-source.js';
export { parseProviderError, type ProviderError } from './provider-error.js';
export { parseRetryAfter, retryAfterInMessage } from './retry-after.js';
export { ChannelApiError, type ApiFailure } from './failure.js';
