import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';

/**
 * Connection settings of the local services the store tests use: `TEST_POSTGRES_URL` (any database
 * on the server; scratch databases are created beside it) and `TEST_REDIS_URL`.
 */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A throwaway PostgreSQL database with a random name; `drop()` removes it. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `gb_client_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        // The connections were closed by the test, but the server may take a moment to see them go.
        // Waiting for that beats FORCE, which would kill a connection still in its goodbye and
        // surface as an error in the test process.
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name}`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '55006' || attempt >= 40) throw error;
            await sleep(50);
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}

/** A random Redis key prefix, and a cleanup that deletes every key under it. */
export function redisPrefix(): { prefix: string; cleanup(redis: Redis): Promise<void> } {
  const prefix = `gbtest:${randomBytes(6).toString('hex')}:`;
  return {
    prefix,
    async cleanup(redis) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    },
  };
}

export function connectRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
}
