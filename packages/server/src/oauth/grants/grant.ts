import type { TokenResponse } from '@grantboard/protocol';
import type { Services } from '../../domain/services.js';
import type { AuthenticatedClient } from '../client-auth.js';
import type { OAuthParams } from '../params.js';

export interface GrantContext {
  params: OAuthParams;
  client: AuthenticatedClient;
  services: Services;
}

/** A grant type the token endpoint dispatches to. */
export interface Grant {
  grantType: string;
  handle(context: GrantContext): Promise<TokenResponse>;
}
