/** First, last, previous and next links of an offset-paginated list (Miro's `PageLinks`). */
export function offsetLinks(
  url: (offset: number) => string,
  page: { offset: number; limit: number; total: number },
): { self: string; first: string; last: string; next?: string; prev?: string } {
  const { offset, limit, total } = page;
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links: { self: string; first: string; last: string; next?: string; prev?: string } = {
    self: url(offset),
    first: url(0),
    last: url(lastOffset),
  };
  if (offset + limit < total) links.next = url(offset + limit);
  if (offset > 0) links.prev = url(Math.max(0, offset - limit));
  return links;
}
