import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';
import { NotFoundError } from '../domain/errors.js';
import { ROUTES } from './routes.js';

/** Raster images open in the browser; SVG and documents (which can carry script) only download. */
const INLINE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
};

/**
 * The files uploaded for images and documents, at the `imageUrl` / `documentUrl` their items answer.
 * The address is the capability, as a signed storage URL is: 256 random bits, known only to those
 * who can read the item; the file goes when its item or board goes. Each answer carries the type
 * sniffed from the bytes at upload, `nosniff`, a sandboxing CSP, and a Content-Disposition whose
 * filename is built from the type, never from anything the uploader sent.
 */
export function fileRoutes(app: FastifyInstance, { services }: AppContext): void {
  app.get<{ Params: { fileId: string } }>(ROUTES.file, async (request, reply) => {
    const { fileId } = request.params;
    const file = /^[A-Za-z0-9_-]{43}$/.test(fileId) ? await services.items.file(fileId) : undefined;
    if (file === undefined) throw new NotFoundError('There is no such file.');
    const etag = `"${file.id}"`;
    reply
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('cache-control', 'private, no-cache')
      .header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const disposition = INLINE.has(file.media_type) ? 'inline' : 'attachment';
    return reply
      .header('content-type', file.media_type)
      .header('content-disposition', `${disposition}; filename="file.${EXTENSIONS[file.media_type] ?? 'bin'}"`)
      .send(file.content);
  });
}
