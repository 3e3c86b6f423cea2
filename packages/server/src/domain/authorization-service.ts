import { mintToken, tokenKey } from '../lib/tokens.js';
import type { App } from '../storage/repositories/apps.js';
import type { ServiceContext } from './service-context.js';

/** What a code is bound to besides the user and team (RFC 6749 §4.1.3, RFC 7636 §4.4). */
export interface CodeBinding {
  app: App;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | undefined;
  /** RFC 8707: the grant's audience (named or inferred); null or none: the REST API. */
  audience?: string[] | null;
}

export function authorizationService({ config, repos, clock }: ServiceContext) {
  return {
    /** Issues a single-use code bound to client, redirect URI, user, team, scopes and PKCE challenge. */
    async issueCode(binding: CodeBinding, userId: string, teamId: string): Promise<string> {
      const code = mintToken('code');
      const now = clock.now();
      await repos.codes.create({
        digest: tokenKey(code),
        appId: binding.app.id,
        userId,
        teamId,
        redirectUri: binding.redirectUri,
        scopes: binding.scopes,
        codeChallenge: binding.codeChallenge ?? null,
        audience: binding.audience?.length ? binding.audience : null,
        expiresAt: now + config.codeTtlSeconds * 1000,
        createdAt: now,
      });
      return code;
    },
  };
}

export type AuthorizationService = ReturnType<typeof authorizationService>;
