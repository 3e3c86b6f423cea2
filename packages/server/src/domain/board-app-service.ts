import { isNumericId } from '../lib/ids.js';
import type { App } from '../storage/repositories/apps.js';
import type { ServiceContext } from './service-context.js';

/** An app that can run in a board: it has an app URL (Miro's `sdkUri`), served from `origin`. */
export interface BoardApp {
  app: App;
  sdkUri: string;
  origin: string;
  /** Installed in the board's team; otherwise a member may add it. */
  installed: boolean;
}

function boardApp(app: App, installed: boolean): BoardApp {
  const sdkUri = app.sdkUri ?? '';
  return { app, sdkUri, origin: new URL(sdkUri).origin, installed };
}

/**
 * The apps a team's boards offer: those installed in the team, and those it may add — apps with an
 * app URL registered by a developer team of the same organization (an app of another organization
 * stays out of sight, as a private app does on Miro). One query each.
 */
export function boardAppService({ repos }: ServiceContext) {
  return {
    async list(teamId: string): Promise<{ installed: BoardApp[]; addable: BoardApp[] }> {
      const all = (await repos.apps.boardApps(teamId))
        .map(({ app, installed }) => boardApp(app, installed))
        .sort((a, b) => a.app.name.localeCompare(b.app.name));
      return { installed: all.filter((a) => a.installed), addable: all.filter((a) => !a.installed) };
    },

    /** One board app the team sees, or undefined. */
    async find(teamId: string, appId: string): Promise<BoardApp | undefined> {
      if (!isNumericId(appId)) return undefined;
      const [found] = await repos.apps.boardApps(teamId, appId);
      return found && boardApp(found.app, found.installed);
    },
  };
}

export type BoardAppService = ReturnType<typeof boardAppService>;
