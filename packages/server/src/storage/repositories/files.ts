import type { Kysely, Selectable } from 'kysely';
import type { FilesTable, Tables } from '../schema.js';

export type FileRow = Selectable<FilesTable>;

/** Uploaded files, read by their id. They are written with their item (`items.createWithFile`). */
export function filesRepository(db: Kysely<Tables>) {
  return {
    async find(id: string): Promise<FileRow | undefined> {
      const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      // better-sqlite3 and pg both answer a Buffer; a Uint8Array from elsewhere is wrapped, not copied.
      return { ...row, content: Buffer.isBuffer(row.content) ? row.content : Buffer.from(row.content) };
    },
  };
}
