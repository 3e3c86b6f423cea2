/**
 * The records services hand to the surfaces. Each is defined beside the query that reads it (in
 * storage/, which maps rows to them); surfaces name them from here, and never import storage.
 */
export type { App } from '../storage/repositories/apps.js';
export type { AuditEventType, NamedAuditEvent } from '../storage/repositories/audit.js';
export type { BoardView } from '../storage/repositories/boards.js';
export type { Connector, ConnectorCaption, ConnectorEnd } from '../storage/repositories/connectors.js';
export type { ItemGroup } from '../storage/repositories/groups.js';
export type { Installation, InstallationSummary } from '../storage/repositories/installations.js';
export type { ItemRow } from '../storage/repositories/items.js';
export type { TeamMembership, TeamRow } from '../storage/repositories/teams.js';
export type { UserGrant } from '../storage/repositories/tokens.js';
export type { UserRow } from '../storage/repositories/users.js';
export type { TeamRole } from '../storage/schema.js';
