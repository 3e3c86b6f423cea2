import type { AppContext } from '../app-context.js';
import type { App } from '../domain/model.js';
import type { RegisteredResourceServer } from '../domain/resource-server-service.js';
import type { TokenFault } from '../domain/test-controls-service.js';
import type { EndpointView } from '../domain/webhook-service.js';
import { loadFixtures } from '../fixtures/load.js';
import { FixturesFile } from '../fixtures/schema.js';
import { type AdminRoute, defineAdminRoute } from './route.js';
import * as S from './schemas.js';

function appDocument(app: App) {
  return {
    clientId: app.id,
    name: app.name,
    teamId: app.teamId,
    public: app.isPublic,
    expiring: app.expiring,
    redirectUris: app.redirectUris,
    appUrl: app.sdkUri,
    sdkRedirectUri: app.sdkRedirectUri,
    scopes: app.scopes,
  };
}

/** A resource server as the admin API shows it; its introspection secret only once, at registration. */
function resourceServerDocument(server: RegisteredResourceServer, clientSecret?: string) {
  return {
    id: server.id,
    identifier: server.identifier,
    name: server.name,
    organizationId: server.organizationId,
    scopes: server.scopes,
    tokenFormat: server.tokenFormat,
    accessTokenTtlSeconds: server.accessTokenTtlSeconds,
    clientId: server.clientId,
    ...(clientSecret ? { clientSecret } : {}),
  };
}

function endpointDocument(endpoint: EndpointView) {
  return { id: endpoint.id, url: endpoint.url, createdAt: new Date(endpoint.createdAt).toISOString() };
}

function faultOf(body: { error: TokenFault['kind']; retryAfterSeconds?: number; delayMs?: number }): TokenFault {
  if (body.error === 'temporarily_unavailable')
    return { kind: body.error, retryAfterSeconds: body.retryAfterSeconds ?? 1 };
  if (body.error === 'delay') return { kind: body.error, delayMs: body.delayMs ?? 1000 };
  return { kind: body.error };
}

/** Every `/admin/v1` operation; the CLI and the console call the same services. */
export function adminRoutes({ services }: AppContext): AdminRoute[] {
  const controls = services.testControls;
  const routes = [
    defineAdminRoute({
      method: 'POST',
      url: '/apps',
      operationId: 'createApp',
      summary: 'Register an app (with a fixed client id and secret, if given)',
      tag: 'Apps',
      status: 201,
      schema: { body: S.AppCreate, response: S.AdminApp },
      async handle({ body }) {
        const { app, clientSecret } = await services.apps.create(body);
        return { ...appDocument(app), ...(clientSecret ? { clientSecret } : {}) };
      },
    }),
    defineAdminRoute({
      method: 'PATCH',
      url: '/apps/:clientId',
      operationId: 'updateApp',
      summary: "Change an app's name, redirect URIs, scopes, App URL or SDK redirect URI",
      tag: 'Apps',
      status: 200,
      schema: { params: S.AppParams, body: S.AppUpdate, response: S.AdminApp },
      async handle({ params, body }) {
        const { appUrl, ...rest } = body;
        const app = await services.apps.update(
          params.clientId,
          { ...rest, ...(appUrl !== undefined ? { sdkUri: appUrl } : {}) },
          null,
        );
        return appDocument(app);
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/apps/:clientId/rotate-secret',
      operationId: 'rotateAppSecret',
      summary: 'Issue a new client secret',
      tag: 'Apps',
      status: 200,
      schema: { params: S.AppParams, response: S.Secret },
      async handle({ params }) {
        return { clientId: params.clientId, clientSecret: await services.apps.rotateSecret(params.clientId, null) };
      },
    }),
    defineAdminRoute({
      method: 'DELETE',
      url: '/apps/:clientId',
      operationId: 'deleteApp',
      summary: 'Delete an app and revoke every token issued to it',
      tag: 'Apps',
      status: 200,
      schema: { params: S.AppParams, response: S.Uninstalled },
      handle: ({ params }) => services.apps.remove(params.clientId, null),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/resource-servers',
      operationId: 'createResourceServer',
      summary: 'Register a resource server (an API): its audience URI, scopes with consent texts and token policy',
      tag: 'Resource servers',
      status: 201,
      schema: { body: S.ResourceServerCreate, response: S.ResourceServer },
      async handle({ body }) {
        const { server, clientSecret } = await services.resourceServers.register(body, null);
        return resourceServerDocument(server, clientSecret);
      },
    }),
    defineAdminRoute({
      method: 'GET',
      url: '/resource-servers',
      operationId: 'listResourceServers',
      summary: 'List the registered resource servers (the built-in Boards API is not listed)',
      tag: 'Resource servers',
      status: 200,
      schema: { response: S.ResourceServerList },
      async handle() {
        return { data: (await services.resourceServers.list()).map((server) => resourceServerDocument(server)) };
      },
    }),
    defineAdminRoute({
      method: 'GET',
      url: '/resource-servers/:resourceServerId',
      operationId: 'getResourceServer',
      summary: 'Get one registered resource server',
      tag: 'Resource servers',
      status: 200,
      schema: { params: S.ResourceServerParams, response: S.ResourceServer },
      async handle({ params }) {
        return resourceServerDocument(await services.resourceServers.get(params.resourceServerId));
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/resource-servers/:resourceServerId/rotate-secret',
      operationId: 'rotateResourceServerSecret',
      summary: 'Issue a new introspection secret; the old one stops working at once',
      tag: 'Resource servers',
      status: 200,
      schema: { params: S.ResourceServerParams, response: S.ResourceServerSecret },
      async handle({ params }) {
        const server = await services.resourceServers.get(params.resourceServerId);
        return {
          clientId: server.clientId,
          clientSecret: await services.resourceServers.rotateSecret(server.id, null),
        };
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/users',
      operationId: 'createUser',
      summary: 'Create a user',
      tag: 'Teams and users',
      status: 201,
      schema: { body: S.UserCreate, response: S.User },
      async handle({ body }) {
        const user = await services.accounts.createUser(body);
        return { id: user.id, email: user.email, name: user.name };
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/teams',
      operationId: 'createTeam',
      summary: 'Create a team (in a new organization unless one is named)',
      tag: 'Teams and users',
      status: 201,
      schema: { body: S.TeamCreate, response: S.Team },
      async handle({ body }) {
        const team = await services.accounts.createTeam(body);
        return { id: team.id, name: team.name, organizationId: team.organization_id };
      },
    }),
    defineAdminRoute({
      method: 'PUT',
      url: '/teams/:teamId/members/:userId',
      operationId: 'setMembership',
      summary: 'Add a user to a team, or change their role',
      tag: 'Teams and users',
      status: 204,
      schema: { params: S.MemberParams, body: S.Membership },
      handle: ({ params, body }) => services.accounts.addMember(params.teamId, params.userId, body.role),
    }),
    defineAdminRoute({
      method: 'DELETE',
      url: '/installations/:clientId/:teamId',
      operationId: 'uninstallApp',
      summary: 'Uninstall an app from a team: its tokens there stop working at once',
      tag: 'Installations',
      status: 200,
      schema: { params: S.InstallationParams, response: S.Uninstalled },
      handle: ({ params }) => services.installs.uninstall(params.clientId, params.teamId, null),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/tokens',
      operationId: 'issueTokens',
      summary: 'Issue the tokens the code flow would, without a browser (audited as issued for tests)',
      tag: 'Tokens',
      status: 200,
      schema: { body: S.Grant, response: S.Tokens },
      handle: ({ body }) => controls.issueTokens(body),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/codes',
      operationId: 'issueCode',
      summary: 'Issue an authorization code, for an app whose code exchange is under test',
      tag: 'Tokens',
      status: 200,
      schema: { body: S.CodeGrant, response: S.Code },
      handle: ({ body }) => controls.issueCode(body),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/tokens/revoke',
      operationId: 'revokeToken',
      summary: "Revoke a live access or refresh token's family",
      tag: 'Tokens',
      status: 200,
      schema: { body: S.TokenValue, response: S.Revoked },
      async handle({ body }) {
        return { revoked: await services.tokens.revoke(body.token) };
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/expire-access-token',
      operationId: 'expireAccessToken',
      summary: 'The access token expires now',
      tag: 'Test controls',
      status: 204,
      schema: { body: S.TokenValue },
      handle: ({ body }) => controls.expireAccessToken(body.token),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/expire-refresh-token',
      operationId: 'expireRefreshToken',
      summary: 'The refresh token expires now',
      tag: 'Test controls',
      status: 204,
      schema: { body: S.TokenValue },
      handle: ({ body }) => controls.endRefreshToken(body.token, 'expire'),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/revoke-refresh-token',
      operationId: 'revokeRefreshToken',
      summary: "The refresh token's family is revoked",
      tag: 'Test controls',
      status: 204,
      schema: { body: S.TokenValue },
      handle: ({ body }) => controls.endRefreshToken(body.token, 'revoke'),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/fail-token-requests',
      operationId: 'failTokenRequests',
      summary: 'The next N token requests of the app fail (invalid_grant, 503 with Retry-After, or a delay)',
      tag: 'Test controls',
      status: 204,
      schema: { body: S.TokenFailure },
      handle: ({ body }) => controls.failTokenRequests(body.appId, body.count, faultOf(body)),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/rate-limit',
      operationId: 'rateLimit',
      summary: 'The REST API and the Web SDK answer 429 to the user of the app for N seconds (0 lifts it)',
      tag: 'Test controls',
      status: 204,
      schema: { body: S.RateLimit },
      handle: ({ body }) => controls.rateLimit(body.appId, body.userId, body.seconds),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/uninstall',
      operationId: 'testUninstall',
      summary: 'Uninstall the app from the team',
      tag: 'Test controls',
      status: 200,
      schema: { body: S.Uninstall, response: S.Uninstalled },
      handle: ({ body }) => controls.uninstall(body.appId, body.teamId),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/reinstall',
      operationId: 'testReinstall',
      summary: 'Install the app in the team again, with all its scopes',
      tag: 'Test controls',
      status: 204,
      schema: { body: S.Reinstall },
      handle: ({ body }) => controls.reinstall(body.appId, body.teamId, body.userId),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/test-controls/advance-clock',
      operationId: 'advanceClock',
      summary: "The app's tokens and codes age by N seconds",
      tag: 'Test controls',
      status: 204,
      schema: { body: S.ClockAdvance },
      handle: ({ body }) => controls.advanceClock(body.appId, body.seconds),
    }),
    defineAdminRoute({
      method: 'GET',
      url: '/organizations/:organizationId/webhooks',
      operationId: 'listWebhookEndpoints',
      summary: "An organization's webhook endpoints (docs/webhooks.md), never their secrets",
      tag: 'Webhooks',
      status: 200,
      schema: { params: S.OrganizationParams, response: S.WebhookEndpoints },
      async handle({ params }) {
        const endpoints = await services.webhooks.endpoints(params.organizationId, null);
        return { data: endpoints.map(endpointDocument) };
      },
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/organizations/:organizationId/webhooks',
      operationId: 'createWebhookEndpoint',
      summary: 'Add a webhook endpoint; its signing secret is returned once',
      tag: 'Webhooks',
      status: 201,
      schema: { params: S.OrganizationParams, body: S.WebhookCreate, response: S.WebhookEndpointCreated },
      async handle({ params, body }) {
        const { endpoint, secret } = await services.webhooks.addEndpoint(
          params.organizationId,
          body.createdBy,
          body.url,
        );
        return { ...endpointDocument(endpoint), secret };
      },
    }),
    defineAdminRoute({
      method: 'DELETE',
      url: '/organizations/:organizationId/webhooks/:endpointId',
      operationId: 'deleteWebhookEndpoint',
      summary: 'Remove a webhook endpoint; nothing more is delivered to it',
      tag: 'Webhooks',
      status: 204,
      schema: { params: S.WebhookParams },
      handle: ({ params }) => services.webhooks.removeEndpoint(params.organizationId, null, params.endpointId),
    }),
    defineAdminRoute({
      method: 'POST',
      url: '/fixtures',
      operationId: 'loadFixtures',
      summary: 'Load a fixtures document (docs/testing.md); idempotent',
      tag: 'Fixtures',
      status: 204,
      schema: { body: FixturesFile },
      async handle({ body }) {
        await loadFixtures(services, body, 'the request body');
      },
    }),
  ];
  return routes as AdminRoute[];
}
