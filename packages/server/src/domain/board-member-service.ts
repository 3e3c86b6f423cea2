import type { BoardMemberView } from '../storage/repositories/board-members.js';
import type { BoardRole } from '../storage/schema.js';
import { parsePolicy } from './board-policy.js';
import { type AccessibleBoard, type Actor, requireRole } from './board-roles.js';
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

const ALREADY_MEMBER = 'Already a member of the board; sharing does not change roles (a co-owner changes them).';

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
     * Invites users by email with a role, at most the caller's own. Sharing only adds members, as
     * Miro's share endpoint "invites new members" (spec.json `share-board`): an existing member keeps
     * their role and is reported in `failed` — a role change is `PATCH …/members/{id}` and needs a
     * co-owner. Unknown addresses are reported, not created: Grantboard sends no invitations by email.
     * The new members are added in one transaction; one that joined meanwhile is reported as a member.
     */
    async share(actor: Actor, boardId: string, emails: string[], role: AssignableRole): Promise<ShareResult> {
      const access = await boards.open(actor, boardId);
      requireSharing(access, role);
      const unique = [...new Set(emails.map((email) => email.trim().toLowerCase()))];
      if (unique.length > MAX_EMAILS)
        throw new ValidationError(`Share with at most ${MAX_EMAILS} emails at once.`, 'emails');
      const outcome = new Map<string, { userId: string } | { reason: string }>();
      const candidates: { email: string; userId: string }[] = [];
      for (const email of unique) {
        const user = await repos.users.findByEmail(email);
        if (!user) outcome.set(email, { reason: 'There is no user with this email.' });
        else candidates.push({ email, userId: user.id });
      }
      const added = await repos.boardMembers.addMembers(
        boardId,
        candidates.map((c) => c.userId),
        role,
        clock.now(),
      );
      if (added === undefined) throw new NotFoundError(`Board ${boardId} was not found.`);
      for (const { email, userId } of candidates) {
        outcome.set(email, added.has(userId) ? { userId } : { reason: ALREADY_MEMBER });
      }
      const result: ShareResult = { successful: [], failed: [] };
      for (const email of unique) {
        const entry = outcome.get(email)!;
        if ('userId' in entry) result.successful.push(entry.userId);
        else result.failed.push({ email, reason: entry.reason });
      }
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
