import type { Tag } from '../../storage/repositories/tags.js';
import type { ApiLinks } from './links.js';

/** A tag in lists (Miro's `Tag`). */
export const presentTagSummary = (tag: Tag) => ({
  id: tag.id,
  type: 'tag' as const,
  title: tag.title,
  fillColor: tag.fillColor,
});

/** A tag on its own (Miro's `TagWithLinks`). */
export const presentTag = (tag: Tag, links: ApiLinks) => ({
  ...presentTagSummary(tag),
  links: { self: links.boardPath(tag.boardId, `tags/${encodeURIComponent(tag.id)}`) },
});
