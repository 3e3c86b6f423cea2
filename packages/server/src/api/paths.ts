/** REST API paths as Miro has them, with Fastify's `:param` placeholders. */
export const API_PATHS = {
  boards: '/v2/boards',
  board: '/v2/boards/:board_id',
  stickyNotes: '/v2/boards/:board_id/sticky_notes',
  stickyNote: '/v2/boards/:board_id/sticky_notes/:item_id',
  texts: '/v2/boards/:board_id/texts',
  text: '/v2/boards/:board_id/texts/:item_id',
  shapes: '/v2/boards/:board_id/shapes',
  shape: '/v2/boards/:board_id/shapes/:item_id',
  frames: '/v2/boards/:board_id/frames',
  frame: '/v2/boards/:board_id/frames/:item_id',
  items: '/v2/boards/:board_id/items',
  item: '/v2/boards/:board_id/items/:item_id',
  members: '/v2/boards/:board_id/members',
  member: '/v2/boards/:board_id/members/:board_member_id',
  openapi: '/openapi.json',
  reference: '/docs/api',
} as const;
