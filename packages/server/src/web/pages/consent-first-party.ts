import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../app-context.js';
import type { TeamChoice } from '../../domain/install-service.js';
import { type AuthorizationRequest, successRedirect } from '../../oauth/authorization-request.js';
import type { SignedIn } from '../session.js';

/**
 * A trusted first-party app is authorized without the consent question when the domain names the
 * team (`services.firstParty.autoApproval`): installed there and a code issued, as "Allow" would.
 * Undefined when the consent page is to be shown.
 */
export async function firstPartyApproval(
  { services, config }: AppContext,
  reply: FastifyReply,
  request: AuthorizationRequest,
  signedIn: SignedIn,
  choices: TeamChoice[],
): Promise<FastifyReply | undefined> {
  const teamId = await services.firstParty.autoApproval(request.app, choices, request.teamId);
  if (teamId === undefined) return undefined;
  const refusal = await services.installs.authorize(request.app, teamId, signedIn.user.id, request.scopes);
  if (refusal) return undefined;
  const code = await services.authorization.issueCode(request, signedIn.user.id, teamId);
  // RFC 9700 §4.12: 303 to the client, as after the consent form.
  return reply
    .code(303)
    .header('location', successRedirect(config.publicUrl, request, code, teamId))
    .send();
}
