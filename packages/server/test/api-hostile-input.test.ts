import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiCaller, createSticky, enc, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';

/** Enough runs to find shape mistakes, few enough to keep the file fast on two shared cores. */
const RUNS = { numRuns: 60 };

/** Values of every JSON type, including the awkward ones: huge numbers, NULs, lone surrogates, deep nests. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    -0,
    '\u0000',
    '\ud800',
    'x'.repeat(7000),
    '<script>',
    '__proto__',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Objects using the fields the sticky-note schema knows, plus unknown ones, with values of any type. */
const stickyLike = fc.record(
  {
    data: fc.oneof(hostileValue, fc.record({ content: hostileValue, shape: hostileValue }, { requiredKeys: [] })),
    style: fc.oneof(
      hostileValue,
      fc.record(
        { fillColor: hostileValue, textAlign: hostileValue, textAlignVertical: hostileValue },
        { requiredKeys: [] },
      ),
    ),
    position: fc.oneof(hostileValue, fc.record({ x: hostileValue, y: hostileValue }, { requiredKeys: [] })),
    geometry: fc.oneof(hostileValue, fc.record({ width: hostileValue, height: hostileValue }, { requiredKeys: [] })),
    parent: fc.oneof(hostileValue, fc.record({ id: hostileValue })),
    unknown: hostileValue,
  },
  { requiredKeys: [] },
);

describe.each(DIALECTS)('hostile input on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Target'));
  });
  afterAll(() => t?.close());

  /** A refused request is a 400 in the envelope; an accepted one changes exactly what it should. */
  function expectRefusedOrCreated(
    status: number,
    body: { code?: string; type?: string },
    before: number,
    after: number,
  ) {
    expect([201, 400]).toContain(status);
    if (status === 400) {
      expect(body).toMatchObject({ status: 400, code: 'invalidParameters', type: 'error' });
      expect(after).toBe(before);
    } else {
      expect(after).toBe(before + 1);
    }
  }

  it('answers any sticky-note body with 201 or 400, never 5xx, and writes nothing on 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(stickyLike, hostileValue), async (body) => {
        const before = await t.repos.items.count(board);
        const response = await alice.call('POST', `${path}/sticky_notes`, JSON.stringify(body));
        expectRefusedOrCreated(response.statusCode, response.json(), before, await t.repos.items.count(board));
        if (response.statusCode === 201) {
          // What was accepted comes back as sent.
          const stored = response.json();
          const sent = body as { data?: { content?: string } } | null;
          if (typeof sent?.data?.content === 'string') expect(stored.data.content).toBe(sent.data.content);
        }
      }),
      RUNS,
    );
  });

  it('answers any board update with 200 or 400 and leaves the board as it was on 400', async () => {
    const original = (await alice.call('GET', path)).json();
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            name: hostileValue,
            description: hostileValue,
            teamId: hostileValue,
            policy: hostileValue,
            extra: hostileValue,
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const response = await alice.call('PATCH', path, JSON.stringify(body));
          expect([200, 400]).toContain(response.statusCode);
          if (response.statusCode === 400) {
            expect(response.json().code).toBe('invalidParameters');
            const now = (await alice.call('GET', path)).json();
            expect({ name: now.name, description: now.description, policy: now.policy }).toEqual({
              name: original.name,
              description: original.description,
              policy: original.policy,
            });
          } else {
            // An accepted change becomes the new baseline.
            Object.assign(original, response.json());
          }
        },
      ),
      RUNS,
    );
  });

  it('answers any share request with 201 or 400, never adding members on 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            emails: fc.oneof(hostileValue, fc.array(hostileValue, { maxLength: 25 })),
            role: hostileValue,
            message: hostileValue,
          },
          { requiredKeys: [] },
        ),
        async (body) => {
          const before = (await alice.call('GET', `${path}/members`)).json().total;
          const response = await alice.call('POST', `${path}/members`, JSON.stringify(body));
          expect([201, 400]).toContain(response.statusCode);
          if (response.statusCode === 400)
            expect((await alice.call('GET', `${path}/members`)).json().total).toBe(before);
        },
      ),
      RUNS,
    );
  });

  it('answers any query string and cursor with 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('limit', 'offset', 'cursor', 'type', 'query', 'sort', 'owner', 'team_id', 'x'),
          fc.string({ unit: 'binary', maxLength: 30 }),
          {
            maxKeys: 4,
          },
        ),
        fc.boolean(),
        async (query, items) => {
          const search = new URLSearchParams(query).toString();
          const response = await alice.call('GET', `${items ? `${path}/items` : '/v2/boards'}?${search}`);
          expect([200, 400]).toContain(response.statusCode);
          expect(response.json().type).toBe(response.statusCode === 200 ? (items ? 'cursor-list' : 'list') : 'error');
        },
      ),
      RUNS,
    );
  });

  it('answers any ids in the path with 404 or 400, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        async (boardId, itemId) => {
          const response = await alice.call('GET', `/v2/boards/${enc(boardId)}/items/${enc(itemId)}`);
          expect([400, 404]).toContain(response.statusCode);
          expect(response.json().type).toBe('error');
        },
      ),
      RUNS,
    );
  });

  it('refuses content over 6000 characters and takes 6000 exactly', async () => {
    const before = await t.repos.items.count(board);
    const long = await alice.call('POST', `${path}/sticky_notes`, { data: { content: 'x'.repeat(6001) } });
    expect(long.statusCode).toBe(400);
    expect(long.json().context.fields).toEqual([
      { in: 'body', field: 'data.content', message: 'expected string length less or equal to 6000' },
    ]);
    expect(await t.repos.items.count(board)).toBe(before);
    const exact = await alice.call('POST', `${path}/sticky_notes`, { data: { content: 'x'.repeat(6000) } });
    expect(exact.statusCode).toBe(201);
  });

  it('refuses NUL characters and lone surrogates anywhere, naming the field', async () => {
    const nul = await alice.call('POST', `${path}/texts`, JSON.stringify({ data: { content: 'a\u0000b' } }));
    expect(nul.statusCode).toBe(400);
    expect(nul.json().context.fields).toEqual([
      { in: 'body', field: 'data.content', message: 'contains a NUL character or malformed Unicode' },
    ]);
    const surrogate = await alice.call('PATCH', path, '{"name": "\\ud800"}');
    expect(surrogate.statusCode).toBe(400);
    const query = await alice.call('GET', '/v2/boards?query=%00');
    expect(query.statusCode).toBe(400);
    const pathNul = await alice.call('GET', '/v2/boards/uXjV%00');
    expect([400, 404]).toContain(pathNul.statusCode);
    // Real Unicode, emoji included, is kept exactly.
    const emoji = await alice.call('POST', `${path}/texts`, { data: { content: 'Grüße 👋🏽 日本' } });
    expect(emoji.json().data.content).toBe('Grüße 👋🏽 日本');
  });

  it('refuses deeply nested JSON without a stack overflow', async () => {
    const depth = 20_000;
    const deepArray = `{"data": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const deepObject = `{"data": {"content": "x", "shape": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`;
    const deepUnknown = `{"extra": ${'{"__proto__":'.repeat(3000)}1${'}'.repeat(3000)}}`;
    for (const body of [deepArray, deepObject, deepUnknown]) {
      const before = await t.repos.items.count(board);
      const response = await alice.call('POST', `${path}/sticky_notes`, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalidParameters');
      expect(await t.repos.items.count(board)).toBe(before);
    }
  });

  it('refuses wrong types field by field', async () => {
    const id = await createSticky(alice, board);
    const response = await alice.call('PATCH', `${path}/sticky_notes/${id}`, {
      data: { content: 42 },
      position: { x: '10', y: null },
      geometry: { width: -5 },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().context.fields).toEqual([
      { in: 'body', field: 'data.content', message: 'expected string' },
      { in: 'body', field: 'position.x', message: 'expected number' },
      { in: 'body', field: 'position.y', message: 'expected number' },
      { in: 'body', field: 'geometry.width', message: 'expected number to be greater or equal to 8' },
    ]);
    expect((await alice.call('GET', `${path}/sticky_notes/${id}`)).json().data.content).toBe('');
  });
});
