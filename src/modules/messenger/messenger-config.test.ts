import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';
import { testSecretsEnv } from '../../../test/helpers/app.js';

const base = () => ({ NODE_ENV: 'test', DATA_DIR: `/tmp/ms-fb-${randomBytes(4).toString('hex')}`, ...testSecretsEnv() });

describe('Messenger settings', () => {
  it('are off without an app id and secret', () => {
    expect(loadConfig(base()).facebook).toBeNull();
  });

  it('default to Graph v21.0 on graph.facebook.com and the dialog on www.facebook.com', () => {
    const fb = loadConfig({ ...base(), FACEBOOK_APP_ID: '42', FACEBOOK_APP_SECRET: 's3cret', FACEBOOK_VERIFY_TOKEN: 'vt' }).facebook;
    expect(fb).toEqual({ appId: '42', appSecret: 's3cret', verifyToken: 'vt', graphUrl: 'https://graph.facebook.com', apiVersion: 'v21.0', oauthUrl: 'https://www.facebook.com' });
  });

  it('take overrides for the fake, without trailing slashes', () => {
    const fb = loadConfig({ ...base(), FACEBOOK_APP_ID: '42', FACEBOOK_APP_SECRET: 's', FACEBOOK_GRAPH_URL: 'http://127.0.0.1:9/', FACEBOOK_OAUTH_URL: 'http://127.0.0.1:9/', FACEBOOK_API_VERSION: 'v19.0' }).facebook;
    expect(fb).toMatchObject({ graphUrl: 'http://127.0.0.1:9', oauthUrl: 'http://127.0.0.1:9', apiVersion: 'v19.0', verifyToken: null });
  });

  it('refuse half a configuration and a malformed version, listing both', () => {
    let err: unknown;
    try {
      loadConfig({ ...base(), FACEBOOK_APP_ID: '42', FACEBOOK_API_VERSION: '21' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(expect.arrayContaining([
      'FACEBOOK_API_VERSION must look like v21.0 (got "21")',
      'set both FACEBOOK_APP_ID and FACEBOOK_APP_SECRET, or neither',
    ]));
  });
});
