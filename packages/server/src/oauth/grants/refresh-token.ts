import { parseScopeList } from '@grantboard/protocol';
import { InvalidScope, UnauthorizedClient } from '../errors.js';
import { type Grant, requestedResources } from './grant.js';

/** RFC 6749 §6, with rotation; `scope` may narrow the grant (§3.3). */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  handle: async ({ params, client, services }) => {
    const refreshToken = params.require('refresh_token');
    if (!client.app.expiring) {
      throw new UnauthorizedClient('This app uses non-expiring access tokens: it has no refresh tokens.');
    }
    const resources = await requestedResources(params, services);
    const scope = params.get('scope');
    if (scope === undefined) return services.tokens.refresh(client.app, refreshToken, undefined, resources);
    const scopes = parseScopeList(scope);
    if (!scopes || scopes.length === 0) throw new InvalidScope('The scope parameter is malformed.');
    return services.tokens.refresh(client.app, refreshToken, scopes, resources);
  },
};
