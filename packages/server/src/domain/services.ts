import { openIdRelyingParty } from '../lib/openid-relying-party.js';
import { accountService } from './account-service.js';
import { appDataService } from './app-data-service.js';
import { appService } from './app-service.js';
import { authorizationService } from './authorization-service.js';
import { boardAppService } from './board-app-service.js';
import { boardMemberService } from './board-member-service.js';
import { boardService } from './board-service.js';
import { clientMetadataService } from './client-metadata-service.js';
import { connectorService } from './connector-service.js';
import { firstPartyService } from './first-party.js';
import { groupService } from './group-service.js';
import { installService } from './install-service.js';
import { itemService } from './item-service.js';
import { registrationService } from './registration-service.js';
import { resourceServerService } from './resource-server-service.js';
import type { ServiceContext } from './service-context.js';
import { sessionService } from './session-service.js';
import { signInThrottle } from './sign-in-throttle.js';
import { signingKeyService } from './signing-key-service.js';
import { tagService } from './tag-service.js';
import { teamService } from './team-service.js';
import { testControlsService } from './test-controls-service.js';
import { tokenService } from './token-service.js';
import { upstreamSignInService } from './upstream-sign-in.js';
import { webhookService } from './webhook-service.js';

export function createServices(context: ServiceContext) {
  const boards = boardService(context);
  const items = itemService(context, boards);
  const authorization = authorizationService(context);
  const installs = installService(context);
  const resourceServers = resourceServerService(context);
  const signingKeys = signingKeyService(context);
  const tokens = tokenService(context, resourceServers, signingKeys);
  return {
    accounts: accountService(context),
    apps: appService(context, clientMetadataService(context, context.fetchDocument), resourceServers),
    authorization,
    installs,
    tokens,
    testControls: testControlsService(context, { tokens, installs, authorization, resourceServers }),
    boards,
    items,
    appData: appDataService(context, boards, items),
    boardMembers: boardMemberService(context, boards),
    tags: tagService(context, boards),
    connectors: connectorService(context, boards),
    groups: groupService(context, boards),
    boardApps: boardAppService(context),
    signInThrottle: signInThrottle(context),
    sessions: sessionService(context),
    /** Sign-in through upstream OpenID Connect providers (docs/federation.md). */
    upstream: upstreamSignInService(context, openIdRelyingParty()),
    teams: teamService(context),
    webhooks: webhookService(context),
    firstParty: firstPartyService(context),
    registrations: registrationService(context),
    /** RFC 8707 audiences: the built-in REST API and MCP server, and the registered resource servers. */
    resources: resourceServers.builtIn,
    resourceServers,
    signingKeys,
  };
}

export type Services = ReturnType<typeof createServices>;
