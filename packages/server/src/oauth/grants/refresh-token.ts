import { UnauthorizedClient } from '../errors.js';
import type { Grant } from './grant.js';

/** RFC 6749 §6, with rotation. */
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  handle: ({ params, client, services }) => {
    const refreshToken = params.require('refresh_token');
    if (!client.app.expiring) {
      throw new UnauthorizedClient('This app uses non-expiring access tokens: it has no refresh tokens.');
    }
    return services.tokens.refresh(client.app, refreshToken, params.get('scope'));
  },
};
