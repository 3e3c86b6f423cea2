/**
 * `@grantboard/client`: the OAuth 2.0 client for Grantboard and Miro apps. The core needs nothing
 * but `fetch` and Web Crypto; stores with dependencies live in subpath exports
 * (`@grantboard/client/file`, `@grantboard/client/sql`, `@grantboard/client/redis`).
 */
export type {
  Board,
  BoardChanges,
  BoardsPage,
  EntityRef,
  Item,
  ItemsPage,
  ItemType,
  ListBoardsQuery,
  ListItemsQuery,
  Position,
  StickyNote,
  StickyNoteColor,
  StickyNoteCreate,
} from './api-types.js';
export {
  type ApiRequestInit,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  type CallbackResult,
  GrantboardClient,
  type GrantboardClientOptions,
} from './client.js';
export { MIRO_API_BASE_URL, MIRO_AUTH_BASE_URL } from './endpoints.js';
export {
  ApiError,
  AuthorizationDenied,
  AuthorizationFailed,
  GrantboardError,
  type GrantboardErrorCode,
  InvalidCallback,
  InvalidResponse,
  IssuerMismatch,
  isGrantboardError,
  type OAuthErrorDetails,
  type ReauthorizationReason,
  ReauthorizationRequired,
  RefreshLockTimeout,
  StateMismatch,
  TokenRequestFailed,
} from './errors.js';
export { computeCodeChallenge, createPkcePair, type PkcePair } from './pkce.js';
export { type JsonRequester, type QueryParams, UserApi } from './rest-api.js';
export { EncryptedTokenStore, type EncryptedTokenStoreOptions } from './stores/encrypted-store.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './stores/memory-store.js';
export type { Clock, LockLease, PendingAuthorization, TokenSet, TokenStore } from './token-store.js';
