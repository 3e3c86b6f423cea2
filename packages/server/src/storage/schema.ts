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
  /** `scrypt$…`, or the empty string for an account without a password (signed in upstream only). */
  password_hash: string;
  created_at: number;
}

/** An upstream OpenID Connect account (issuer + subject) linked to a user. */
export interface UserIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  /** The `id` of the configured provider it came through. */
  provider_id: string;
  /** The email the provider gave at the last sign-in, if any. */
  email: string | null;
  created_at: number;
  last_sign_in_at: number;
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
  /** The developer team that owns the app; null for a registered agent no user has authorized yet. */
  team_id: string | null;
  created_by: string | null;
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
  /** How an agent came: `dynamic` (RFC 7591) or `metadata_document` (its client id is a URL); null for console apps. */
  registration: ClientRegistration | null;
  /** An unused dynamic registration is deleted after this; null once authorized. */
  registration_expires_at: number | null;
  /** 1 when an organization admin marked the app first party: its users are not asked for consent. */
  first_party: number;
}

export type ClientRegistration = 'dynamic' | 'metadata_document';

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
  /** RFC 8707 resources the code is for, space-separated; null: the REST API. */
  audience: string | null;
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
  /** RFC 8707 resources the family's tokens are for, space-separated; null: the REST API. */
  audience: string | null;
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

/** A row per throttled key, locked while an attempt counts and reserves (migration 012). */
export interface SignInLocksTable {
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
  /** The app that created the item (app cards are "owned" by it); null when made on the board page. */
  created_by_app: string | null;
}

/** An item's place in the board's drawing order, once it was moved (absent: its `created_at`). */
export interface ItemLayersTable {
  item_id: string;
  board_id: string;
  /** Higher is drawn over lower; comparable with `items.created_at`. */
  layer: number;
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

export interface WebhookEndpointsTable {
  id: string;
  organization_id: string;
  url: string;
  /** AES-256-GCM ciphertext of the `whsec_` signing secret. */
  secret_sealed: string;
  created_by: string;
  created_at: number;
}

/** The outbox: written in the same transaction as the change it reports. */
export interface WebhookEventsTable {
  /** The Standard Webhooks message id (`webhook-id`), the same for every delivery and retry. */
  id: string;
  organization_id: string;
  type: string;
  /** The exact JSON body sent. */
  payload: string;
  created_at: number;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  /** The worker holding the delivery, until `lease_until`. */
  lease_owner: string | null;
  lease_until: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
  created_at: number;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  at: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface ConnectorsTable {
  id: string;
  board_id: string;
  start_item_id: string;
  end_item_id: string;
  /** JSON `{snapTo}` or `{position: {x, y}}` (percentages as strings, Miro's `RelativeOffset`). */
  start_point: string;
  end_point: string;
  /** straight, elbowed or curved. */
  shape: string;
  /** JSON array of Miro's captions. */
  captions: string;
  /** JSON object: the connector's `style` as on the wire. */
  style: string;
  created_by: string;
  created_at: number;
  modified_by: string;
  modified_at: number;
}

export interface ItemGroupsTable {
  id: string;
  board_id: string;
  created_at: number;
}

export interface GroupItemsTable {
  /** An item is in one group at most. */
  item_id: string;
  board_id: string;
  group_id: string;
  /** The item's place in the group's list, as the request gave it. */
  position: number;
}

/** A Web SDK app's value under one key, for one item (`item_app_data`) or board (`board_app_data`). */
export interface ItemAppDataTable {
  item_id: string;
  app_id: string;
  key: string;
  /** JSON. */
  value: string;
  modified_at: number;
}

export interface BoardAppDataTable {
  board_id: string;
  app_id: string;
  key: string;
  /** JSON. */
  value: string;
  modified_at: number;
}

/** The file an image or document item shows, uploaded with it (migration 017). */
export interface FilesTable {
  /** Random and unguessable: the file's address is `/files/{id}`. */
  id: string;
  item_id: string;
  /** What the bytes are, as sniffed from them (`image/png`, `application/pdf`), never as declared. */
  media_type: string;
  byte_size: number;
  content: Buffer;
  created_at: number;
}

/** Test controls: the next `remaining` token requests of an app fail (ARCHITECTURE.md decision 18). */
export interface TestTokenFaultsTable {
  app_id: string;
  /** `invalid_grant`, `temporarily_unavailable` or `delay`. */
  kind: string;
  remaining: number;
  retry_after_seconds: number;
  delay_ms: number;
  created_at: number;
}

/** Test controls: the REST API and the Web SDK answer 429 to a user of an app until `until`. */
export interface TestRateDenialsTable {
  app_id: string;
  user_id: string;
  until: number;
}

export type TokenFormat = 'opaque' | 'jwt';

export interface ResourceServersTable {
  id: string;
  identifier: string;
  name: string;
  organization_id: string | null;
  token_format: TokenFormat;
  access_token_ttl_seconds: number;
  client_id: string;
  secret_digest: string;
  created_at: number;
}

export interface ResourceServerScopesTable {
  scope: string;
  resource_server_id: string;
  position: number;
  consent_text: string;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_sealed: string;
  created_at: number;
  signs_until: number;
  published_until: number;
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
  item_layers: ItemLayersTable;
  connectors: ConnectorsTable;
  item_groups: ItemGroupsTable;
  group_items: GroupItemsTable;
  item_app_data: ItemAppDataTable;
  board_app_data: BoardAppDataTable;
  files: FilesTable;
  sign_in_failures: SignInFailuresTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  sign_in_locks: SignInLocksTable;
  test_token_faults: TestTokenFaultsTable;
  test_rate_denials: TestRateDenialsTable;
  user_identities: UserIdentitiesTable;
  resource_servers: ResourceServersTable;
  resource_server_scopes: ResourceServerScopesTable;
  signing_keys: SigningKeysTable;
}
