import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { ROUTES } from './routes.js';

/**
 * The pages' own scripts, compiled from `src/web/scripts/` with the server. They are read from the
 * package's `dist`, whether the server runs from its build or its sources (as in tests after a build).
 */
const SCRIPTS_DIR = new URL('../../dist/web/scripts/', import.meta.url);

/** The only files served: each page script and the modules it imports. */
export const PAGE_SCRIPTS = ['board.js', 'board-canvas.js', 'board-items.js', 'app-host.js', 'app-shell.js'] as const;

export function staticScripts(app: FastifyInstance): void {
  const cache = new Map<string, Promise<string>>();
  app.get(ROUTES.script, async (request, reply) => {
    const { name } = request.params as { name: string };
    if (!(PAGE_SCRIPTS as readonly string[]).includes(name)) {
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('No such script.');
    }
    let source = cache.get(name);
    if (!source) {
      source = readFile(new URL(name, SCRIPTS_DIR), 'utf8');
      cache.set(name, source);
      // A script not built yet is looked for again next time.
      source.catch(() => cache.delete(name));
    }
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(await source);
  });
}
