import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { EncryptedTokenStore, MemoryTokenStore, type TokenStore } from '../../src/index.js';
import { FileTokenStore } from '../../src/stores/file-store.js';
import { RedisTokenStore } from '../../src/stores/redis-store.js';
import { betterSqlite3Adapter, kyselyAdapter, pgAdapter, SqlTokenStore } from '../../src/stores/sql-store.js';
import { connectRedis, createScratchDatabase, redisPrefix } from './services.js';

/**
 * One backing store (a file, a database, a Redis prefix) that can be opened several times, each
 * opening standing for another process: its own connection, its own store instance.
 */
export interface StoreBacking {
  open(): TokenStore;
  close(): Promise<void>;
}

export interface StoreFixture {
  name: string;
  /** Whether two openings share locks; the memory store's locks are per instance by design. */
  sharedAcrossInstances: boolean;
  setup(): Promise<StoreBacking>;
}

export const storeFixtures: StoreFixture[] = [
  {
    name: 'memory',
    sharedAcrossInstances: false,
    async setup() {
      const store = new MemoryTokenStore();
      return { open: () => store, close: async () => undefined };
    },
  },
  {
    name: 'encrypted (over file)',
    sharedAcrossInstances: true,
    async setup() {
      const dir = await mkdtemp(join(tmpdir(), 'gb-encrypted-store-'));
      const path = join(dir, 'tokens.json');
      const keys = [randomBytes(32).toString('hex')];
      return {
        open: () => new EncryptedTokenStore({ store: new FileTokenStore({ path }), keys }),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'file',
    sharedAcrossInstances: true,
    async setup() {
      const dir = await mkdtemp(join(tmpdir(), 'gb-file-store-'));
      const path = join(dir, 'nested', 'tokens.json');
      return {
        open: () => new FileTokenStore({ path }),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'sqlite (better-sqlite3)',
    sharedAcrossInstances: true,
    async setup() {
      const dir = await mkdtemp(join(tmpdir(), 'gb-sqlite-store-'));
      const connections: Database.Database[] = [];
      return {
        open() {
          const db = new Database(join(dir, 'app.db'));
          db.pragma('journal_mode = WAL');
          db.pragma('busy_timeout = 5000');
          connections.push(db);
          return new SqlTokenStore({ adapter: betterSqlite3Adapter(db) });
        },
        async close() {
          for (const db of connections) db.close();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'sqlite (kysely)',
    sharedAcrossInstances: true,
    async setup() {
      const dir = await mkdtemp(join(tmpdir(), 'gb-kysely-sqlite-store-'));
      const instances: Kysely<unknown>[] = [];
      return {
        open() {
          const database = new Database(join(dir, 'app.db'));
          database.pragma('busy_timeout = 5000');
          const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database }) });
          instances.push(db);
          return new SqlTokenStore({ adapter: kyselyAdapter(db), tableName: 'app_oauth_tokens' });
        },
        async close() {
          for (const db of instances) await db.destroy();
          await rm(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres (pg)',
    sharedAcrossInstances: true,
    async setup() {
      const scratch = await createScratchDatabase();
      const pools: pg.Pool[] = [];
      return {
        open() {
          const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
          pools.push(pool);
          return new SqlTokenStore({ adapter: pgAdapter(pool) });
        },
        async close() {
          for (const pool of pools) await pool.end();
          await scratch.drop();
        },
      };
    },
  },
  {
    name: 'postgres (Kysely instance)',
    sharedAcrossInstances: true,
    async setup() {
      const scratch = await createScratchDatabase();
      const instances: Kysely<unknown>[] = [];
      return {
        open() {
          const pool = new pg.Pool({ connectionString: scratch.url, max: 4 });
          const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
          instances.push(db);
          return new SqlTokenStore({ adapter: db });
        },
        async close() {
          for (const db of instances) await db.destroy();
          await scratch.drop();
        },
      };
    },
  },
  {
    name: 'redis',
    sharedAcrossInstances: true,
    async setup() {
      const { prefix, cleanup } = redisPrefix();
      const connections = [connectRedis()];
      return {
        open() {
          const redis = connectRedis();
          connections.push(redis);
          return new RedisTokenStore({ redis, keyPrefix: prefix });
        },
        async close() {
          const [admin] = connections;
          if (admin) await cleanup(admin);
          for (const redis of connections) redis.disconnect();
        },
      };
    },
  },
];
