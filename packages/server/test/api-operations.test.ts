import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';

interface OpenApi {
  paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, unknown> } }>>;
}

interface MiroOperation {
  operationId: string;
  method: string;
  path: string;
  variant?: { query?: string; contentType?: string };
  servedBy?: 'oauth';
}

const read = (file: string) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const { operations } = read('./fixtures/miro-operations.json') as { operations: MiroOperation[] };
/** Miro's operations Grantboard does not serve yet; serving one without removing it here fails. */
/**
 * Where `/openapi.json` keys an operation: at Miro's path, with the query parameter that tells a
 * variant apart, or, for an upload, with the board parameter renamed as Miro's own spec does.
 */
function keyOf(op: MiroOperation): string {
  if (op.variant?.query) return `${op.path}?${op.variant.query}`;
  if (op.variant?.contentType) return op.path.replace('{board_id}', '{board_id_PlatformFileUpload}');
  return op.path;
}
const notYet = new Set(read('./fixtures/miro-operations-not-yet.json') as string[]);

/**
 * The team-level operations of Miro's REST API v2 (the official client's OpenAPI document, not
 * experimental, not Enterprise) against what `/openapi.json` serves, operation by operation.
 */
describe('Miro operations served', () => {
  let t: TestApp;
  let served: Map<string, { method: string; key: string }>;
  let doc: OpenApi;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApi;
    served = new Map();
    for (const [key, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods))
        served.set(op.operationId, { method: method.toUpperCase(), key });
    }
  });
  afterAll(() => t?.close());

  const api = operations.filter((op) => op.servedBy === undefined);

  it('serves exactly the operations not listed as not yet, at Miro’s method and path', () => {
    const implemented = api.filter((op) => !notYet.has(op.operationId));
    for (const op of implemented) {
      const found = served.get(op.operationId);
      expect(found, `${op.operationId} is missing from /openapi.json`).toBeDefined();
      expect(found, op.operationId).toEqual({ method: op.method, key: keyOf(op) });
    }
    const nowServed = [...notYet].filter((id) => served.has(id));
    expect(nowServed, 'served, so remove them from miro-operations-not-yet.json').toEqual([]);
    const unknown = [...served.keys()].filter((id) => !operations.some((op) => op.operationId === id));
    expect(unknown, "served but not one of Miro's operations").toEqual([]);
    expect(served.size).toBe(implemented.length);
  });

  it('takes a multipart body exactly where Miro’s operation does', () => {
    for (const op of api) {
      const found = doc.paths[keyOf(op)]?.[op.method.toLowerCase()];
      const types = Object.keys(found?.requestBody?.content ?? {});
      if (op.variant?.contentType) expect(types, op.operationId).toEqual([op.variant.contentType]);
      else expect(types, op.operationId).not.toContain('multipart/form-data');
    }
  });

  it('lists only real operation ids as not yet', () => {
    const ids = new Set(operations.map((op) => op.operationId));
    expect([...notYet].filter((id) => !ids.has(id))).toEqual([]);
  });

  it("answers Miro's token operations on the OAuth surface", async () => {
    for (const op of operations.filter((o) => o.servedBy === 'oauth')) {
      expect(notYet.has(op.operationId), op.operationId).toBe(false);
      const response = await t.app.inject({ method: op.method as 'GET', url: op.path });
      expect(response.statusCode, `${op.method} ${op.path}`).not.toBe(404);
    }
  });

  it('states the count in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const implemented = operations.filter((op) => !notYet.has(op.operationId)).length;
    expect(readme).toContain(`**${implemented} of ${operations.length}**`);
  });
});
