import type { Seed } from './app.js';

/** What one client knows: the last pair the server acknowledged with a 200. */
export interface ClientPair {
  accessToken: string;
  refreshToken: string;
}

/**
 * Clients that keep refreshing their own token family against `url()` until stopped, each
 * remembering only pairs it received with a 200 — as a real app's token store would.
 */
export function refreshStream(url: () => string, seed: Seed, pairs: ClientPair[]) {
  let running = true;
  const counts = { ok: 0, failed: 0, unavailable: 0 };
  async function client(index: number) {
    while (running) {
      try {
        const response = await fetch(`${url()}/v1/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: pairs[index]!.refreshToken,
            client_id: seed.expiringApp.id,
            client_secret: seed.expiringSecret,
          }),
          signal: AbortSignal.timeout(5000),
        });
        const body = (await response.json()) as Record<string, string>;
        if (response.status === 200) {
          pairs[index] = { accessToken: body.access_token!, refreshToken: body.refresh_token! };
          counts.ok++;
        } else if (response.status === 503) {
          counts.unavailable++;
          await new Promise((r) => setTimeout(r, 50));
        } else {
          counts.failed++;
          throw new Error(`refresh refused with ${response.status}: ${JSON.stringify(body)}`);
        }
      } catch (error) {
        if ((error as Error).message.startsWith('refresh refused')) throw error;
        // The connection failed: the outcome is unknown, keep the last acknowledged pair.
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  const done = Promise.all(pairs.map((_, i) => client(i)));
  return {
    counts,
    async stop() {
      running = false;
      await done;
    },
  };
}
