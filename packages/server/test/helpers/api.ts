import type { LightMyRequestResponse } from 'fastify';
import type { Dialect } from '../../src/storage/database.js';
import { startTestApp, type TestApp } from './app.js';
import { obtainTokens } from './oauth.js';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A REST API caller bound to one access token, through `inject()`. */
export interface ApiCaller {
  token: string;
  call(method: Method, url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Encodes a board id as the official client does (`=` becomes `%3D`). */
export const enc = encodeURIComponent;

export function caller(t: TestApp, token: string): ApiCaller {
  return {
    token,
    call(method, url, body, headers = {}) {
      return t.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
  };
}

/**
 * A caller for a user in a team with the scopes given (read and write by default), through a real
 * code exchange.
 */
export async function apiAs(
  t: TestApp,
  options: { userId?: string; teamId?: string; scopes?: string[] } = {},
): Promise<ApiCaller> {
  const tokens = await obtainTokens(t, {
    userId: options.userId ?? t.seed.alice.id,
    teamId: options.teamId ?? t.seed.teamId,
    scopes: options.scopes ?? ['boards:read', 'boards:write'],
  });
  return caller(t, tokens.access_token);
}

/** Creates a board and returns its id. */
export async function createBoard(api: ApiCaller, body: Record<string, unknown> = {}): Promise<string> {
  const response = await api.call('POST', '/v2/boards', body);
  if (response.statusCode !== 201) throw new Error(`create board failed: ${response.body}`);
  return response.json().id;
}

export async function createSticky(
  api: ApiCaller,
  boardId: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const response = await api.call('POST', `/v2/boards/${enc(boardId)}/sticky_notes`, body);
  if (response.statusCode !== 201) throw new Error(`create sticky note failed: ${response.body}`);
  return response.json().id;
}

export function errorBody(status: number, code: string, message: string, context?: Record<string, unknown>) {
  return { status, code, message, type: 'error', ...(context === undefined ? {} : { context }) };
}

/** Where most REST API suites start: the seeded app and Alice's read-write caller. */
export interface ApiStart {
  t: TestApp;
  alice: ApiCaller;
}

/** An `ApiStart` with a board of Alice's and its `/v2/boards/{id}` path. */
export interface BoardApiStart extends ApiStart {
  board: string;
  path: string;
}

export async function startApi(dialect: Dialect, overrides: Record<string, string> = {}): Promise<ApiStart> {
  const t = await startTestApp(dialect, overrides);
  return { t, alice: await apiAs(t) };
}

export async function startBoardApi(dialect: Dialect, boardName: string): Promise<BoardApiStart> {
  const { t, alice } = await startApi(dialect);
  const board = await createBoard(alice, { name: boardName });
  return { t, alice, board, path: `/v2/boards/${enc(board)}` };
}
