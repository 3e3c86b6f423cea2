import type { BoardView } from '../storage/repositories/boards.js';
import type { BoardRole } from '../storage/schema.js';
import { InsufficientRoleError, NotFoundError } from './errors.js';

/** Board roles, weakest first: each can do what the ones before it can. */
export const BOARD_ROLES = ['viewer', 'commenter', 'editor', 'coowner', 'owner'] as const satisfies BoardRole[];

/** Who is acting through the API: the token's user, in the token's team, through the token's app. */
export interface Actor {
  userId: string;
  teamId: string;
  appId: string;
}

const rank = (role: BoardRole): number => BOARD_ROLES.indexOf(role);

export function atLeast(role: BoardRole, required: BoardRole): boolean {
  return rank(role) >= rank(required);
}

/** The role team access gives a member of the board's team (Miro's `sharingPolicy.teamAccess`). */
const TEAM_ACCESS_ROLE: Record<string, BoardRole | null> = {
  private: null,
  view: 'viewer',
  comment: 'commenter',
  edit: 'editor',
};

/** The stronger of the user's own board membership and what team access gives; null when neither. */
export function effectiveRole(board: BoardView): BoardRole | null {
  const fromTeam = board.team_member ? (TEAM_ACCESS_ROLE[board.team_access] ?? null) : null;
  const own = board.member_role;
  if (own === null) return fromTeam;
  if (fromTeam === null) return own;
  return atLeast(own, fromTeam) ? own : fromTeam;
}

/** A board the actor may open, with the actor's role on it. */
export interface AccessibleBoard {
  board: BoardView;
  role: BoardRole;
}

/**
 * The board as the actor may see it. A board of another team, or one the user has no role on, is
 * "not found": a token learns nothing about boards it cannot reach (ARCHITECTURE.md decision 15).
 */
export function requireAccess(board: BoardView | undefined, actor: Actor, boardId: string): AccessibleBoard {
  const role = board && board.team_id === actor.teamId ? effectiveRole(board) : null;
  if (!board || role === null) throw new NotFoundError(`Board ${boardId} was not found.`);
  return { board, role };
}

/** Throws unless the role is at least `required`: board roles apply on top of the token's scopes. */
export function requireRole(access: AccessibleBoard, required: BoardRole, action: string): void {
  if (!atLeast(access.role, required)) {
    throw new InsufficientRoleError(
      `Your role on this board (${access.role}) does not allow you to ${action}; it needs ${required} or above.`,
      access.role,
      required,
    );
  }
}
