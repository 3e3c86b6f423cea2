import * as oidc from 'openid-client';
import type { UpstreamProvider } from '../config/upstream-providers.js';

/** What one sign-in at an upstream provider must remember between the redirect and the callback. */
export interface UpstreamFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The provider could not be reached, or its discovery document or keys could not be read. */
export class UpstreamUnavailableError extends Error {}

/**
 * The authorization response or the tokens failed a check (state, iss, signature, aud, nonce, exp),
 * or the provider answered with an error. `reason` is a short code for the log and the audit; the
 * user sees one sentence.
 */
export class UpstreamRejectedError extends Error {
  /** Where the refused sign-in would have returned to, when the flow was known (set by the domain). */
  returnTo: string | undefined;

  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** Claims of a validated id token, merged with the provider's UserInfo answer for the same `sub`. */
export interface UpstreamClaims {
  iss: string;
  sub: string;
  [claim: string]: unknown;
}

/**
 * The relying party of OpenID Connect sign-in, through `openid-client`: discovery (read once per
 * process, again after a failure), the authorization code flow with PKCE (S256), `state` and
 * `nonce`, and id token validation — signature against the provider's JWKS (fetched again when an
 * unknown `kid` appears, so key rotation needs nothing here), `iss`, `aud`, `azp`, `nonce`, `exp`
 * and `iat` (OIDC Core §3.1.3.7) — and the RFC 9207 `iss` response parameter when the provider
 * announces it.
 */
export function openIdRelyingParty(options: { timeoutSeconds?: number } = {}) {
  const discovered = new Map<string, Promise<oidc.Configuration>>();

  function configurationOf(provider: UpstreamProvider): Promise<oidc.Configuration> {
    let configuration = discovered.get(provider.id);
    if (!configuration) {
      configuration = oidc
        .discovery(
          new URL(provider.issuer),
          provider.clientId,
          undefined,
          provider.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(provider.clientSecret),
          {
            execute: [
              // OIDC Core §3.1.3.7 lets a client skip the id token's signature when it came over
              // TLS from the token endpoint; Grantboard checks it against the JWKS all the same, so
              // a token endpoint answer that was tampered with (or a plain-http one) is refused.
              oidc.enableNonRepudiationChecks,
              ...(provider.insecureIssuer ? [oidc.allowInsecureRequests] : []),
            ],
            timeout: options.timeoutSeconds ?? 10,
          },
        )
        .catch((error: unknown) => {
          // Forget the failure, so the next sign-in tries again.
          discovered.delete(provider.id);
          throw new UpstreamUnavailableError(`discovery of ${provider.issuer} failed: ${(error as Error).message}`);
        });
      discovered.set(provider.id, configuration);
    }
    return configuration;
  }

  return {
    /** The authorization request URL, with the secrets the callback will need. */
    async begin(provider: UpstreamProvider, redirectUri: string): Promise<{ url: string; flow: UpstreamFlow }> {
      const configuration = await configurationOf(provider);
      const flow: UpstreamFlow = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
      };
      const url = oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: provider.scopes.join(' '),
        response_type: 'code',
        // RFC 7636 §4.2, RFC 9700 §2.1.1: PKCE with S256 even for a confidential client.
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url: url.href, flow };
    },

    /**
     * Checks the authorization response at `callbackUrl`, redeems its code and validates the id
     * token; returns the user's claims. Throws `UpstreamRejectedError` for anything that fails a
     * check, `UpstreamUnavailableError` when the provider cannot be reached.
     */
    async complete(
      provider: UpstreamProvider,
      redirectUri: string,
      callbackUrl: URL,
      flow: UpstreamFlow,
    ): Promise<UpstreamClaims> {
      const configuration = await configurationOf(provider);
      // The response is checked against the registered redirect URI, never the request's Host.
      const current = new URL(redirectUri);
      current.search = callbackUrl.search;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(
          configuration,
          current,
          {
            pkceCodeVerifier: flow.codeVerifier,
            expectedState: flow.state,
            expectedNonce: flow.nonce,
            idTokenExpected: true,
          },
          { redirect_uri: redirectUri },
        );
      } catch (error) {
        throw rejection(error);
      }
      const idToken = tokens.claims();
      if (!idToken) throw new UpstreamRejectedError('no_id_token', 'The provider returned no id token.');
      let userInfo: Record<string, unknown> = {};
      if (configuration.serverMetadata().userinfo_endpoint) {
        try {
          // OIDC Core §5.3.2: the UserInfo `sub` must be the id token's.
          userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idToken.sub);
        } catch (error) {
          throw rejection(error);
        }
      }
      // The id token's validated iss and sub win over anything UserInfo says.
      return { ...userInfo, ...idToken, iss: idToken.iss, sub: idToken.sub };
    },
  };
}

function rejection(error: unknown): Error {
  if (error instanceof oidc.AuthorizationResponseError) {
    return new UpstreamRejectedError(
      `provider_error:${error.error}`,
      error.error === 'access_denied' ? 'Sign-in was cancelled at the provider.' : 'The provider refused the sign-in.',
    );
  }
  if (error instanceof oidc.ResponseBodyError) {
    return new UpstreamRejectedError(`token_error:${error.error}`, 'The provider refused the sign-in.');
  }
  if (error instanceof oidc.ClientError) {
    return new UpstreamRejectedError(
      error.code ?? 'invalid_response',
      'The provider’s answer failed a security check, so the sign-in was refused.',
    );
  }
  if (error instanceof TypeError || (error as { name?: string } | null)?.name === 'TimeoutError') {
    return new UpstreamUnavailableError(`the provider could not be reached: ${(error as Error).message}`);
  }
  return new UpstreamRejectedError(
    'invalid_response',
    'The provider’s answer failed a security check, so the sign-in was refused.',
  );
}

export type OpenIdRelyingParty = ReturnType<typeof openIdRelyingParty>;
