import type { ItemGroup } from '../../domain/model.js';
import type { ApiLinks } from './links.js';

/** Miro's `GroupResponseShort`: the group's id and its items' ids. */
export function presentGroup(group: ItemGroup, links: ApiLinks) {
  return {
    id: group.id,
    type: 'group' as const,
    data: { items: group.itemIds },
    links: { self: links.boardPath(group.boardId, `groups/${group.id}`) },
  };
}
