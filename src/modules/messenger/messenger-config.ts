import type { Config, FacebookConfig } from '../../config.js';
import type { GraphSettings } from '../../channels/messenger/index.js';
import { AppError } from '../../lib/problems.js';

export interface Messenger {
  fb: FacebookConfig;
  graph: GraphSettings;
}

export const graphSettings = (fb: FacebookConfig): GraphSettings => ({ graphUrl: fb.graphUrl, apiVersion: fb.apiVersion, appId: fb.appId, appSecret: fb.appSecret });

export const notConfigured = () =>
  new AppError(503, 'messenger-not-configured', 'Facebook Messenger is not configured on this instance: set FACEBOOK_APP_ID and FACEBOOK_APP_SECRET (and FACEBOOK_VERIFY_TOKEN for the webhook).');

/** The Facebook app settings, or the clear 503 every Messenger route answers without them. */
export function requireMessenger(config: Config): Messenger {
  if (!config.facebook) throw notConfigured();
  return { fb: config.facebook, graph: graphSettings(config.facebook) };
}
