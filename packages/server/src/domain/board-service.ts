import { boardId, numericId } from '../lib/ids.js';
import type { BoardChanges, BoardRow, BoardSort } from '../storage/repositories/boards.js';
import { applyPolicy, type BoardPolicyChanges, DEFAULT_POLICY, parsePolicy } from './board-policy.js';
import { type AccessibleBoard, type Actor, requireAccess, requireRole } from './board-roles.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ServiceContext } from './service-context.js';

export interface BoardInput {
  name?: string;
  description?: string;
  teamId?: string;
  policy?: BoardPolicyChanges;
}

export interface BoardFilters {
  teamId?: string | undefined;
  query?: string | undefined;
  owner?: string | undefined;
  sort?: BoardSort | undefined;
  limit: number;
  offset: number;
}

const DEFAULT_NAME = 'Untitled';
const MAX_NAME = 60;

/** Boards: a token reaches only its team's boards, and board roles apply on top of its scopes. */
export function boardService({ repos, clock }: ServiceContext) {
  async function open(actor: Actor, id: string): Promise<AccessibleBoard> {
    return requireAccess(await repos.boards.findView(id, actor.userId), actor, id);
  }

  /** The board's team is always the token's team (ARCHITECTURE.md: a token works for one team). */
  function checkTeam(actor: Actor, teamId: string | undefined): void {
    if (teamId !== undefined && teamId !== actor.teamId) {
      throw new ValidationError(
        `A board can only be created in the team the access token was issued for (${actor.teamId}).`,
        'teamId',
      );
    }
  }

  function newBoard(actor: Actor, fields: Pick<BoardRow, 'name' | 'description' | 'policy' | 'team_access'>): BoardRow {
    const now = clock.now();
    return {
      id: boardId(),
      team_id: actor.teamId,
      ...fields,
      owner_id: actor.userId,
      created_by: actor.userId,
      created_at: now,
      modified_by: actor.userId,
      modified_at: now,
      last_opened_by: null,
      last_opened_at: null,
    };
  }

  return {
    open,

    /**
     * The board as a signed-in user opens it on the web: the user acts in the board's own team, with
     * the role their membership or the team's access gives them. `appId` names what acts for them
     * (the board page itself, or a Web SDK app). Unknown and unreachable boards are both "not found".
     */
    async openAsUser(userId: string, id: string, appId: string): Promise<{ actor: Actor; access: AccessibleBoard }> {
      const view = await repos.boards.findView(id, userId);
      const actor: Actor = { userId, teamId: view?.team_id ?? '', appId };
      return { actor, access: requireAccess(view, actor, id) };
    },

    async create(actor: Actor, input: BoardInput): Promise<AccessibleBoard> {
      checkTeam(actor, input.teamId);
      const policy = applyPolicy(DEFAULT_POLICY, input.policy);
      const board = newBoard(actor, {
        name: input.name ?? DEFAULT_NAME,
        description: input.description ?? '',
        policy: JSON.stringify(policy),
        team_access: policy.sharingPolicy.teamAccess,
      });
      await repos.boards.create(board);
      return open(actor, board.id);
    },

    /** Every board of a team, for the operator (fixtures export); no actor, no access check. */
    ofTeam(teamId: string): Promise<BoardRow[]> {
      return repos.boards.ofTeam(teamId);
    },

    async list(actor: Actor, filters: BoardFilters) {
      // A filter naming another team matches nothing the token can see, rather than failing.
      if (filters.teamId !== undefined && filters.teamId !== actor.teamId) return { boards: [], total: 0 };
      const { rows, total } = await repos.boards.list({
        teamId: actor.teamId,
        userId: actor.userId,
        query: filters.query,
        ownerId: filters.owner,
        sort: filters.sort ?? 'default',
        limit: filters.limit,
        offset: filters.offset,
      });
      return { boards: rows.map((board) => requireAccess(board, actor, board.id)), total };
    },

    /** Name and description need an editor; the policy needs a co-owner. */
    async update(actor: Actor, id: string, input: BoardInput): Promise<AccessibleBoard> {
      const access = await open(actor, id);
      checkTeam(actor, input.teamId);
      requireRole(access, 'editor', 'change the board');
      const changes: BoardChanges = { modified_by: actor.userId, modified_at: clock.now() };
      if (input.name !== undefined) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      if (input.policy !== undefined) {
        requireRole(access, 'coowner', "change the board's policy");
        const policy = applyPolicy(parsePolicy(access.board.policy), input.policy);
        changes.policy = JSON.stringify(policy);
        changes.team_access = policy.sharingPolicy.teamAccess;
      }
      await repos.boards.update(id, changes);
      return open(actor, id);
    },

    /** Only the owner deletes a board; its items and members go with it. */
    async delete(actor: Actor, id: string): Promise<void> {
      const access = await open(actor, id);
      requireRole(access, 'owner', 'delete the board');
      if (!(await repos.boards.delete(id))) throw new NotFoundError(`Board ${id} was not found.`);
    },

    /**
     * Copies a board with its items into the token's team; the actor owns the copy. The source's
     * `copyAccess` says who may copy it.
     */
    async copy(actor: Actor, sourceId: string, input: BoardInput): Promise<AccessibleBoard> {
      const source = await open(actor, sourceId);
      checkTeam(actor, input.teamId);
      const sourcePolicy = parsePolicy(source.board.policy);
      const needed = {
        anyone: 'viewer',
        team_members: 'viewer',
        team_editors: 'editor',
        board_owner: 'coowner',
      } as const;
      requireRole(source, needed[sourcePolicy.permissionsPolicy.copyAccess], 'copy the board');
      const policy = applyPolicy(sourcePolicy, input.policy);
      const board = newBoard(actor, {
        name: input.name ?? `Copy of ${source.board.name}`.slice(0, MAX_NAME),
        description: input.description ?? source.board.description,
        policy: JSON.stringify(policy),
        team_access: policy.sharingPolicy.teamAccess,
      });
      await repos.boards.copy(sourceId, board, numericId);
      return open(actor, board.id);
    },
  };
}

export type BoardService = ReturnType<typeof boardService>;
