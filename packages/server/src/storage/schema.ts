/**
 * Table types for Kysely. Timestamps are milliseconds since the epoch (bigint in PostgreSQL, read
 * back as numbers); flags are 0/1 integers; ids are strings. One shape for both dialects.
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

export interface TeamsTable {
  id: string;
  organization_id: string;
  name: string;
  /** 1 when only team admins may install apps. */
  installs_admin_only: number;
  created_at: number;
}

export type TeamRole = 'member' | 'admin';

export interface TeamMembersTable {
  team_id: string;
  user_id: string;
  role: TeamRole;
  created_at: number;
}

export interface AppsTable {
  /** The client id: a numeric string. */
  id: string;
  name: string;
  /** The developer team that owns the app. */
  team_id: string;
  created_by: string;
  /** AES-256-GCM ciphertext of the client secret; null for public apps. */
  secret_sealed: string | null;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** The redirect URI used for Web SDK authorization, if any (one of redirect_uris). */
  sdk_redirect_uri: string | null;
  sdk_uri: string | null;
  /** Space-separated scopes. */
  scopes: string;
  /** The secret before the last rotation, sealed like `secret_sealed`; valid until `previous_secret_expires_at`. */
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  /** The app's identity on the consent page: a description and links, all optional. */
  description: string | null;
  logo_url: string | null;
  homepage_url: string | null;
  privacy_url: string | null;
  terms_url: string | null;
  /** 1 for 1 h access + rotating refresh tokens, 0 for non-expiring tokens. Fixed at creation. */
  expiring: number;
  created_at: number;
  updated_at: number;
}

export interface InstallationsTable {
  app_id: string;
  team_id: string;
  installed_by: string;
  scopes: string;
  created_at: number;
}

export interface AuthorizationCodesTable {
  digest: string;
  app_id: string;
  user_id: string;
  team_id: string;
  redirect_uri: string;
  scopes: string;
  code_challenge: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface TokenFamiliesTable {
  id: string;
  app_id: string;
  user_id: string;
  team_id: string;
  scopes: string;
  /** The code the family was issued from: a replay of that code revokes the family. */
  code_digest: string | null;
  created_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface AccessTokensTable {
  digest: string;
  family_id: string;
  /** null for non-expiring tokens. */
  expires_at: number | null;
  created_at: number;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  digest: string;
  family_id: string;
  expires_at: number;
  created_at: number;
  rotated_at: number | null;
  /** Digest of the refresh token that replaced this one. */
  replaced_by: string | null;
  /** The rotation's response, sealed under a key derived from this refresh token itself. */
  replay_sealed: string | null;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  type: string;
  actor_id: string | null;
  team_id: string | null;
  app_id: string | null;
  user_id: string | null;
  /** JSON object with event-specific detail; never a secret. */
  detail: string;
}

export interface SessionsTable {
  /** Digest of the session cookie value. */
  digest: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  expires_at: number;
  /** A one-shot message for the session's next page, sealed under a key derived from the cookie. */
  flash_sealed: string | null;
}

export interface SignInFailuresTable {
  id: string;
  /** `account:<email>` or `address:<client address>`. */
  key: string;
  at: number;
}

/** Board roles, weakest first (Miro's vocabulary). */
export type BoardRole = 'viewer' | 'commenter' | 'editor' | 'coowner' | 'owner';

export interface BoardsTable {
  /** Miro-style board id, e.g. `uXjVOD6LSME=`. */
  id: string;
  team_id: string;
  name: string;
  description: string;
  /** JSON `{permissionsPolicy, sharingPolicy}` in Miro's wire shape. */
  policy: string;
  /** `sharingPolicy.teamAccess` copied out of `policy`: private, view, comment or edit. */
  team_access: string;
  owner_id: string;
  created_by: string;
  created_at: number;
  modified_by: string;
  modified_at: number;
  last_opened_by: string | null;
  last_opened_at: number | null;
}

export interface BoardMembersTable {
  board_id: string;
  user_id: string;
  role: BoardRole;
  created_at: number;
}

export interface ItemsTable {
  id: string;
  board_id: string;
  /** `sticky_note`, `text`, `frame`, … (Miro's item type names). */
  type: string;
  /** JSON object: the item's `data` as on the wire. */
  data: string;
  /** JSON object: the item's `style` as on the wire. */
  style: string;
  position_x: number;
  position_y: number;
  width: number | null;
  height: number | null;
  rotation: number | null;
  parent_id: string | null;
  created_by: string;
  created_at: number;
  modified_by: string;
  modified_at: number;
}

export interface TagsTable {
  id: string;
  board_id: string;
  /** Unique within the board, case-sensitive (Miro). */
  title: string;
  /** One of Miro's tag colours: red, light_green, cyan, … */
  fill_color: string;
  created_at: number;
}

export interface ItemTagsTable {
  item_id: string;
  tag_id: string;
  created_at: number;
}

export interface Tables {
  organizations: OrganizationsTable;
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  apps: AppsTable;
  installations: InstallationsTable;
  authorization_codes: AuthorizationCodesTable;
  token_families: TokenFamiliesTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  audit_events: AuditEventsTable;
  sessions: SessionsTable;
  boards: BoardsTable;
  board_members: BoardMembersTable;
  items: ItemsTable;
  tags: TagsTable;
  item_tags: ItemTagsTable;
  sign_in_failures: SignInFailuresTable;
}
