/**
 * The validated-token cache (ARCHITECTURE.md decision 23, docs/security.md "Revocation"): a bounded
 * LRU of access-token digest → what the token check read (its grant, its expiry), so a repeated
 * check skips the database; the apps token requests authenticate are kept in it too. It never judges
 * expiry: the caller does, against the clock, on each use.
 *
 * It is emptied by every write that can end or change a token check:
 * - in this process, by the database driver as each such statement runs (`isTokenWrite`), and again
 *   when its transaction ends; a rotation, which only ends one family's access tokens, evicts that
 *   family alone;
 * - from other processes on one SQLite file: `PRAGMA data_version` changes when another connection
 *   commits, and is read (synchronously) before every use;
 * - from other processes on PostgreSQL: a NOTIFY sent in the revoking transaction, received by a
 *   LISTEN connection; while that connection is down, no entry older than one second is used.
 */
export interface TokenCache {
  /** An entry stored under `key`, if it may still be used. */
  get(key: string): unknown;
  /** A read is about to start: `set` with this ticket stores its answer only if nothing was invalidated since. */
  ticket(): number;
  set(ticket: number, key: string, familyId: string, value: unknown): void;
  /** Forgets one family's entries (its access tokens were revoked). */
  evictFamily(familyId: string): void;
  /** Forgets everything. */
  clear(): void;
  /**
   * Whether a statement that revokes one family's access tokens must announce it to the other
   * processes itself (PostgreSQL: `FAMILY_NOTICE` in its RETURNING); on SQLite they see the commit.
   */
  readonly announcesFamilies: boolean;
}

/** How other processes' writes reach this process's cache, per dialect (storage/database.ts). */
export interface CacheFreshness {
  /** True when another process may have written since the last call (SQLite: `PRAGMA data_version`). */
  changedElsewhere(): boolean;
  /** How old an entry may be, or undefined for no limit (PostgreSQL: 1 s while not listening). */
  maxAgeMs(): number | undefined;
  readonly announcesFamilies: boolean;
}

interface Entry {
  familyId: string;
  value: unknown;
  storedAt: number;
  /** The value of `moves` when the entry last moved to the young end of the order. */
  movedAt: number;
}

/**
 * Statements that can end or change a token check: updates and deletes of the tables it reads, and
 * new installations (they change who "created" a token's grant). Inserts of tokens and families
 * cannot make a cached check wrong. A statement marked `FAMILY_SCOPED` is the rotation's, whose
 * caller evicts the one family itself.
 */
const TOKEN_WRITE =
  /\b(?:(?:update|delete\s+from)\s+"(?:token_families|access_tokens|installations|apps|users|teams|organizations)"|insert\s+into\s+"installations")/i;
export const FAMILY_SCOPED = '/* family-scoped */';

/** PostgreSQL: the channel every process LISTENs on, and the notice a family-scoped statement returns. */
export const TOKEN_CHANNEL = 'grantboard_tokens';
export const FAMILY_NOTICE = `pg_notify('${TOKEN_CHANNEL}', 'family:' || family_id)`;

export function isTokenWrite(sql: string): boolean {
  return TOKEN_WRITE.test(sql) && !sql.includes(FAMILY_SCOPED);
}

export const NO_FRESHNESS: CacheFreshness = {
  changedElsewhere: () => false,
  maxAgeMs: () => undefined,
  announcesFamilies: false,
};

/** A cache of at most `max` entries (0: nothing is ever stored). */
export function createTokenCache(max: number, freshness: CacheFreshness = NO_FRESHNESS): TokenCache {
  // A Map iterates in insertion order: re-inserting an entry that is used moves it to the young
  // end, so the least recently used comes first. An entry still among the younger half stays where
  // it is (fewer than max / 2 moves since its own), so a hot token's check writes nothing here.
  const entries = new Map<string, Entry>();
  const byFamily = new Map<string, Set<string>>();
  let generation = 0;
  let moves = 0;

  function remove(key: string, entry: Entry) {
    entries.delete(key);
    const keys = byFamily.get(entry.familyId);
    keys?.delete(key);
    if (keys?.size === 0) byFamily.delete(entry.familyId);
  }

  function clear() {
    generation++;
    entries.clear();
    byFamily.clear();
  }

  return {
    get(key) {
      if (freshness.changedElsewhere()) clear();
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      const maxAge = freshness.maxAgeMs();
      if (maxAge !== undefined && Date.now() - entry.storedAt > maxAge) {
        remove(key, entry);
        return undefined;
      }
      if (moves - entry.movedAt > max / 2) {
        entries.delete(key);
        entries.set(key, entry);
        entry.movedAt = ++moves;
      }
      return entry.value;
    },
    ticket: () => generation,
    set(ticket, key, familyId, value) {
      if (freshness.changedElsewhere()) clear();
      if (max === 0 || ticket !== generation) return;
      const previous = entries.get(key);
      if (previous) remove(key, previous);
      entries.set(key, { familyId, value, storedAt: Date.now(), movedAt: ++moves });
      const keys = byFamily.get(familyId);
      if (keys) keys.add(key);
      else byFamily.set(familyId, new Set([key]));
      if (entries.size > max) {
        const [oldestKey, oldest] = entries.entries().next().value as [string, Entry];
        remove(oldestKey, oldest);
      }
    },
    evictFamily(familyId) {
      generation++;
      for (const key of byFamily.get(familyId) ?? []) entries.delete(key);
      byFamily.delete(familyId);
    },
    clear,
    announcesFamilies: freshness.announcesFamilies,
  };
}
