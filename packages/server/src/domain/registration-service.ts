import { numericId } from '../lib/ids.js';
import type { App } from '../storage/repositories/apps.js';
import { type AgentMetadata, readAgentMetadata } from './agent-clients.js';
import { NO_IDENTITY } from './app-text.js';
import type { ServiceContext } from './service-context.js';

/** RFC 7591 §3.2.1: the client information response of a public agent. */
export interface RegisteredClient {
  client_id: string;
  client_id_issued_at: number;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: 'none';
  scope: string;
}

/**
 * Agents that register themselves (RFC 7591): public apps with PKCE, of no team until a user
 * authorizes one, which binds it to that team. An unused registration expires
 * (`REGISTRATION_TTL_SECONDS`) and the janitor deletes it.
 */
export function registrationService({ config, repos, clock }: ServiceContext) {
  return {
    /** The agents installed in a team, for its admins to see and uninstall (team settings). */
    installedIn(teamId: string): Promise<App[]> {
      return repos.apps.agentsInstalledIn(teamId);
    },

    async register(metadata: unknown): Promise<RegisteredClient> {
      const agent: AgentMetadata = readAgentMetadata(metadata);
      const now = clock.now();
      const app: App = {
        id: numericId(),
        name: agent.name,
        teamId: null,
        createdBy: null,
        isPublic: true,
        secretSealed: null,
        previousSecret: null,
        redirectUris: agent.redirectUris,
        sdkRedirectUri: null,
        sdkUri: null,
        scopes: agent.scopes,
        expiring: true,
        identity: NO_IDENTITY,
        createdAt: now,
        updatedAt: now,
        registration: 'dynamic',
        registrationExpiresAt: now + config.registrationTtlSeconds * 1000,
      };
      await repos.apps.create(app);
      await repos.audit.record({ type: 'client_registered', at: now, appId: app.id, detail: { name: app.name } });
      return {
        client_id: app.id,
        client_id_issued_at: Math.floor(now / 1000),
        client_name: app.name,
        redirect_uris: app.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
        scope: app.scopes.join(' '),
      };
    },
  };
}

export type RegistrationService = ReturnType<typeof registrationService>;
