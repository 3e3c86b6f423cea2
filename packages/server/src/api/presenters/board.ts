import type { Static } from '@sinclair/typebox';
import { parsePolicy } from '../../domain/board-policy.js';
import type { AccessibleBoard, Actor } from '../../domain/board-roles.js';
import type { Board } from '../schemas/boards.js';
import { type ApiLinks, iso } from './links.js';

/** A board in Miro's `BoardWithLinks` shape, as the acting user sees it. */
export function presentBoard({ board, role }: AccessibleBoard, actor: Actor, links: ApiLinks): Static<typeof Board> {
  const policy = parsePolicy(board.policy);
  const body: Static<typeof Board> = {
    id: board.id,
    type: 'board',
    name: board.name,
    description: board.description,
    team: { id: board.team_id, name: board.team_name, type: 'team' },
    policy: {
      permissionsPolicy: policy.permissionsPolicy,
      sharingPolicy: { ...policy.sharingPolicy, accessPasswordRequired: false },
    },
    viewLink: links.boardView(board.id),
    owner: { id: board.owner_id, name: board.owner_name, type: 'user' },
    currentUserMembership: { id: actor.userId, name: board.reader_name ?? '', role, type: 'board_member' },
    createdAt: iso(board.created_at),
    createdBy: { id: board.created_by, name: board.created_by_name, type: 'user' },
    modifiedAt: iso(board.modified_at),
    modifiedBy: { id: board.modified_by, name: board.modified_by_name, type: 'user' },
    links: {
      self: links.board(board.id),
      related: `${links.boardPath(board.id, 'members')}?limit=20&offset=0`,
    },
  };
  if (board.last_opened_at !== null && board.last_opened_by !== null) {
    body.lastOpenedAt = iso(board.last_opened_at);
    body.lastOpenedBy = { id: board.last_opened_by, name: board.last_opened_by_name ?? '', type: 'user' };
  }
  return body;
}
