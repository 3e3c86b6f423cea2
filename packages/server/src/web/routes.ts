/** Paths of the web pages, as Fastify route patterns, and the links that fill them in. */
export const ROUTES = {
  home: '/',
  signIn: '/signin',
  signOut: '/signout',
  /** Leaves for an upstream OpenID Connect provider (docs/federation.md). */
  upstreamSignIn: '/signin/upstream/:providerId',
  /** The redirect URI registered at the provider. */
  upstreamCallback: '/signin/upstream/:providerId/callback',
  stylesheet: '/static/style.css',
  icon: '/static/icon.svg',
  apps: '/apps',
  newApp: '/apps/new',
  app: '/apps/:appId',
  appSecret: '/apps/:appId/secret',
  appRotateSecret: '/apps/:appId/secret/rotate',
  appToken: '/apps/:appId/token',
  appDelete: '/apps/:appId/delete',
  appTestControls: '/apps/:appId/test-controls',
  teamApps: '/teams/:teamId/apps',
  teamSettings: '/teams/:teamId/settings',
  teamUninstall: '/teams/:teamId/apps/:appId/uninstall',
  teamAudit: '/teams/:teamId/audit',
  orgWebhooks: '/organizations/:organizationId/webhooks',
  orgApps: '/organizations/:organizationId/apps',
  orgAppFirstParty: '/organizations/:organizationId/apps/:appId/first-party',
  orgWebhookDelete: '/organizations/:organizationId/webhooks/:endpointId/delete',
  profileApps: '/profile/apps',
  profileRevoke: '/profile/apps/revoke',
  /** Board links (`viewLink`) end in a slash, as Miro's do. */
  board: '/app/board/:boardId/',
  boardNoSlash: '/app/board/:boardId',
  boardItems: '/app/board/:boardId/items',
  boardStickyNotes: '/app/board/:boardId/sticky_notes',
  boardItem: '/app/board/:boardId/items/:itemId',
  boardAppInstall: '/app/board/:boardId/apps/:appId/install',
  boardAppSdk: '/app/board/:boardId/apps/:appId/sdk',
  boardAppEvents: '/app/board/:boardId/apps/:appId/events',
  script: '/static/scripts/:name',
  /** An uploaded image's or document's file (the domain's `FILES_PATH`). */
  file: '/files/:fileId',
} as const;

/** Fills a route pattern's `:params` in, each percent-encoded as a path segment. */
export function link(route: string, params: Record<string, string> = {}): string {
  return route.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
