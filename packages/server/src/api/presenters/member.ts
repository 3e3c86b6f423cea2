import type { BoardMemberView } from '../../storage/repositories/board-members.js';
import type { ApiLinks } from './links.js';

export function presentMember(boardId: string, member: BoardMemberView, links: ApiLinks) {
  return {
    id: member.id,
    name: member.name,
    role: member.role,
    type: 'board_member' as const,
    links: { self: links.boardPath(boardId, `members/${member.id}`) },
  };
}
