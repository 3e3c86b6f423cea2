import { accountService } from './account-service.js';
import { appService } from './app-service.js';
import { authorizationService } from './authorization-service.js';
import { boardAppService } from './board-app-service.js';
import { boardMemberService } from './board-member-service.js';
import { boardService } from './board-service.js';
import { installService } from './install-service.js';
import { itemService } from './item-service.js';
import type { ServiceContext } from './service-context.js';
import { sessionService } from './session-service.js';
import { signInThrottle } from './sign-in-throttle.js';
import { tagService } from './tag-service.js';
import { teamService } from './team-service.js';
import { testControlsService } from './test-controls-service.js';
import { tokenService } from './token-service.js';

export function createServices(context: ServiceContext) {
  const boards = boardService(context);
  const authorization = authorizationService(context);
  const installs = installService(context);
  const tokens = tokenService(context);
  return {
    accounts: accountService(context),
    apps: appService(context),
    authorization,
    installs,
    tokens,
    testControls: testControlsService(context, { tokens, installs, authorization }),
    boards,
    items: itemService(context, boards),
    boardMembers: boardMemberService(context, boards),
    tags: tagService(context, boards),
    boardApps: boardAppService(context),
    signInThrottle: signInThrottle(context),
    sessions: sessionService(context),
    teams: teamService(context),
  };
}

export type Services = ReturnType<typeof createServices>;
