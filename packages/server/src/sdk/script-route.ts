import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { WEB_SDK_PATHS } from '@grantboard/protocol';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the Web SDK script (`packages/web-sdk`) to apps, at Grantboard's path and at Miro's, so an
 * app moved from Miro keeps its script tag with only the origin changed. The SDK learns which origin
 * to talk to from the address it was loaded from, so the script must be loaded from here.
 */
export function sdkScriptRoutes(app: FastifyInstance): void {
  let source: Promise<string> | undefined;
  const load = () => {
    source ??= readFile(createRequire(import.meta.url).resolve('@grantboard/web-sdk/miro.js'), 'utf8');
    source.catch(() => {
      source = undefined;
    });
    return source;
  };
  for (const path of [WEB_SDK_PATHS.script, WEB_SDK_PATHS.miroScript]) {
    app.get(path, async (_request, reply) =>
      reply
        .header('content-type', 'text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('x-content-type-options', 'nosniff')
        // Loaded by apps on other origins, also as a module or with `crossorigin`.
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .send(await load()),
    );
  }
}
