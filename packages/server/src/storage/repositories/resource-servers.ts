import type { Kysely, Selectable } from 'kysely';
import type { ResourceServersTable, Tables, TokenFormat } from '../schema.js';

/** One scope of a registered resource server, with the words the consent page shows for it. */
export interface ResourceScope {
  name: string;
  consentText: string;
}

/** A registered resource server (an API) as the domain sees it. */
export interface RegisteredResourceServer {
  id: string;
  /** RFC 8707: the audience URI tokens for it carry. */
  identifier: string;
  name: string;
  organizationId: string | null;
  tokenFormat: TokenFormat;
  accessTokenTtlSeconds: number;
  clientId: string;
  scopes: ResourceScope[];
  createdAt: number;
}

export interface NewResourceServer extends RegisteredResourceServer {
  secretDigest: string;
}

function toServer(row: Selectable<ResourceServersTable>, scopes: ResourceScope[]): RegisteredResourceServer {
  return {
    id: row.id,
    identifier: row.identifier,
    name: row.name,
    organizationId: row.organization_id,
    tokenFormat: row.token_format,
    accessTokenTtlSeconds: row.access_token_ttl_seconds,
    clientId: row.client_id,
    scopes,
    createdAt: row.created_at,
  };
}

export function resourceServersRepository(db: Kysely<Tables>) {
  async function withScopes(rows: Selectable<ResourceServersTable>[]): Promise<RegisteredResourceServer[]> {
    if (rows.length === 0) return [];
    const scopes = await db
      .selectFrom('resource_server_scopes')
      .selectAll()
      .where(
        'resource_server_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('position')
      .execute();
    return rows.map((row) =>
      toServer(
        row,
        scopes
          .filter((s) => s.resource_server_id === row.id)
          .map((s) => ({ name: s.scope, consentText: s.consent_text })),
      ),
    );
  }

  return {
    /**
     * Registers a server with its scopes in one transaction. A taken identifier, client id or scope
     * name fails the unique constraints and writes nothing (checked first, so the usual case gets a
     * precise message; the constraints decide a race). Returns why it was refused, if it was.
     */
    async create(server: NewResourceServer): Promise<string | undefined> {
      const taken = await db
        .selectFrom('resource_server_scopes')
        .select('scope')
        .where(
          'scope',
          'in',
          server.scopes.map((s) => s.name),
        )
        .execute();
      if (taken.length > 0) return `Scope already registered: ${taken.map((t) => t.scope).join(', ')}.`;
      const same = await db
        .selectFrom('resource_servers')
        .select('id')
        .where('identifier', '=', server.identifier)
        .executeTakeFirst();
      if (same) return 'A resource server with this identifier is registered already.';
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('resource_servers')
            .values({
              id: server.id,
              identifier: server.identifier,
              name: server.name,
              organization_id: server.organizationId,
              token_format: server.tokenFormat,
              access_token_ttl_seconds: server.accessTokenTtlSeconds,
              client_id: server.clientId,
              secret_digest: server.secretDigest,
              created_at: server.createdAt,
            })
            .execute();
          await trx
            .insertInto('resource_server_scopes')
            .values(
              server.scopes.map((scope, position) => ({
                scope: scope.name,
                resource_server_id: server.id,
                position,
                consent_text: scope.consentText,
              })),
            )
            .execute();
        });
      } catch (error) {
        if (/unique|duplicate/i.test(String((error as Error).message)))
          return 'The identifier or a scope was registered at the same time.';
        throw error;
      }
      return undefined;
    },

    async list(organizationId?: string): Promise<RegisteredResourceServer[]> {
      let query = db.selectFrom('resource_servers').selectAll().orderBy('created_at').orderBy('id');
      if (organizationId !== undefined) query = query.where('organization_id', '=', organizationId);
      return withScopes(await query.execute());
    },

    async findById(id: string): Promise<RegisteredResourceServer | undefined> {
      const row = await db.selectFrom('resource_servers').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? (await withScopes([row]))[0] : undefined;
    },

    async findByIdentifiers(identifiers: readonly string[]): Promise<RegisteredResourceServer[]> {
      if (identifiers.length === 0) return [];
      return withScopes(
        await db
          .selectFrom('resource_servers')
          .selectAll()
          .where('identifier', 'in', [...identifiers])
          .execute(),
      );
    },

    /** The server that owns each of these scope names (those no registered server owns are left out). */
    async owningScopes(scopes: readonly string[]): Promise<RegisteredResourceServer[]> {
      if (scopes.length === 0) return [];
      const rows = await db
        .selectFrom('resource_servers as s')
        .selectAll('s')
        .where(({ exists, selectFrom }) =>
          exists(
            selectFrom('resource_server_scopes as c')
              .select('c.scope')
              .whereRef('c.resource_server_id', '=', 's.id')
              .where('c.scope', 'in', [...scopes]),
          ),
        )
        .execute();
      return withScopes(rows);
    },

    /** The server these introspection credentials name, with its secret's digest. */
    async findCredentials(
      clientId: string,
    ): Promise<{ server: RegisteredResourceServer; secretDigest: string } | undefined> {
      const row = await db
        .selectFrom('resource_servers')
        .selectAll()
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      if (!row) return undefined;
      const [server] = await withScopes([row]);
      return server ? { server, secretDigest: row.secret_digest } : undefined;
    },

    async organizationExists(organizationId: string): Promise<boolean> {
      const row = await db.selectFrom('organizations').select('id').where('id', '=', organizationId).executeTakeFirst();
      return row !== undefined;
    },

    async replaceSecret(id: string, secretDigest: string): Promise<boolean> {
      const result = await db
        .updateTable('resource_servers')
        .set({ secret_digest: secretDigest })
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type ResourceServersRepository = ReturnType<typeof resourceServersRepository>;
