import type { BoardMemberView } from '../storage/repositories/board-members.js';
import type { BoardRole } from '../storage/schema.js';
import { parsePolicy } from './board-policy.js';
import { type AccessibleBoard, type Actor, atLeast, requireRole } from './board-roles.js';
import type { BoardService } from './board-service.js';
import { NotFoundError, ValidationError } from './errors.js';
import type { ServiceContext } from './service-context.js';

/** Roles that can be given by sharing or by a role change: ownership is never handed out this way. */
export type AssignableRole = Exclude<BoardRole, 'owner'>;

export interface ShareResult {
  /** Ids of the users who are now members with the role. */
  successful: string[];
  failed: { email: string; reason: string }[];
}

const MAX_EMAILS = 20;

/** Board members: who may share, change roles and remove follows the board's sharing policy. */
export function boardMemberService({ repos, clock }: ServiceContext, boards: BoardService) {
  /** Sharing needs an editor, or a co-owner when the policy keeps sharing to owners and co-owners. */
  function requireSharing(access: AccessibleBoard, role: AssignableRole): void {
    const policy = parsePolicy(access.board.policy);
    const needed = policy.permissionsPolicy.sharingAccess === 'owner_and_coowners' ? 'coowner' : 'editor';
    requireRole(access, needed, 'share the board');
    // Nobody hands out more than they hold: an editor cannot make co-owners.
    requireRole(access, role, `give the ${role} role`);
  }

  async function member(boardId: string, userId: string): Promise<BoardMemberView> {
    const found = await repos.boardMembers.find(boardId, userId);
    if (!found) throw new NotFoundError(`Board member ${userId} was not found.`);
    return found;
  }

  return {
    async list(actor: Actor, boardId: string, limit: number, offset: number) {
      await boards.open(actor, boardId);
      return repos.boardMembers.list(boardId, limit, offset);
    },

    async get(actor: Actor, boardId: string, userId: string): Promise<BoardMemberView> {
      await boards.open(actor, boardId);
      return member(boardId, userId);
    },

    /**
     * Invites users by email with a role. Every address is judged first; then the known ones are
     * added (or have their role changed) in one transaction. Unknown addresses are reported, not
     * created: Grantboard sends no invitations by email.
     */
    async share(actor: Actor, boardId: string, emails: string[], role: AssignableRole): Promise<ShareResult> {
      const access = await boards.open(actor, boardId);
      requireSharing(access, role);
      const unique = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
      if (unique.length > MAX_EMAILS)
        throw new ValidationError(`Share with at most ${MAX_EMAILS} emails at once.`, 'emails');
      const result: ShareResult = { successful: [], failed: [] };
      const entries: { userId: string; role: AssignableRole }[] = [];
      for (const email of unique) {
        const user = await repos.users.findByEmail(email);
        const current = user && (await repos.boardMembers.find(boardId, user.id));
        if (!user) result.failed.push({ email, reason: 'There is no user with this email.' });
        else if (current?.role === 'owner') result.failed.push({ email, reason: 'The owner keeps the owner role.' });
        else if (current && !atLeast(access.role, current.role))
          result.failed.push({ email, reason: `Only a ${current.role} or above can change this member's role.` });
        else {
          entries.push({ userId: user.id, role });
          result.successful.push(user.id);
        }
      }
      if (!(await repos.boardMembers.setRoles(boardId, entries, clock.now())))
        throw new NotFoundError(`Board ${boardId} was not found.`);
      return result;
    },

    /** Role changes need a co-owner; the owner's role never changes. */
    async updateRole(actor: Actor, boardId: string, userId: string, role: AssignableRole): Promise<BoardMemberView> {
      const access = await boards.open(actor, boardId);
      const current = await member(boardId, userId);
      requireRole(access, 'coowner', "change members' roles");
      if (current.role === 'owner') throw new ValidationError("The board owner's role cannot be changed.", 'role');
      await repos.boardMembers.setRole(boardId, userId, role);
      return member(boardId, userId);
    },

    /** Co-owners remove members; anyone but the owner may leave. */
    async remove(actor: Actor, boardId: string, userId: string): Promise<void> {
      const access = await boards.open(actor, boardId);
      const current = await member(boardId, userId);
      if (userId !== actor.userId) requireRole(access, 'coowner', 'remove members');
      if (current.role === 'owner') throw new ValidationError('The board owner cannot be removed.', 'board_member_id');
      await repos.boardMembers.remove(boardId, userId);
    },
  };
}

export type BoardMemberService = ReturnType<typeof boardMemberService>;
