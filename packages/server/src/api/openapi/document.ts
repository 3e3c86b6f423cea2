import { PATHS, SCOPES } from '@grantboard/protocol';
import type { TSchema } from '@sinclair/typebox';
import type { Config } from '../../config/config.js';
import { type ApiRoute, LEVEL_CREDITS, type MultipartBody } from '../route.js';
import { Board, BoardChanges, BoardsPage } from '../schemas/boards.js';
import { AppCardItem, AppCardRequest, CardItem, CardRequest } from '../schemas/cards.js';
import { ErrorBody } from '../schemas/common.js';
import { FrameCreateRequest, FrameItem, FrameUpdateRequest } from '../schemas/frames.js';
import { GenericItem, GenericItemUpdate, ItemsPage } from '../schemas/items.js';
import {
  DocFormatCreateRequest,
  DocFormatItem,
  DocumentCreateRequest,
  DocumentItem,
  DocumentUpdateRequest,
  EmbedCreateRequest,
  EmbedItem,
  EmbedUpdateRequest,
  ImageCreateRequest,
  ImageItem,
  ImageUpdateRequest,
} from '../schemas/media.js';
import { BoardMember, BoardMembersPage, MemberChange, ShareRequest, ShareResult } from '../schemas/members.js';
import { ShapeItem, ShapeRequest } from '../schemas/shapes.js';
import { StickyNote, StickyNoteRequest } from '../schemas/sticky-notes.js';
import {
  ItemTags,
  TagCreateRequest,
  TaggedItemsPage,
  TagSummary,
  TagsPage,
  TagUpdateRequest,
  TagWithLinks,
} from '../schemas/tags.js';
import { TextCreateRequest, TextItem, TextUpdateRequest } from '../schemas/texts.js';

type Json = Record<string, unknown>;

/** Schemas shown once under `components.schemas` and referenced wherever a route uses them. */
const COMPONENTS: Record<string, TSchema> = {
  Board,
  BoardChanges,
  BoardsPage,
  BoardMember,
  BoardMembersPage,
  ShareRequest,
  ShareResult,
  MemberChange,
  GenericItem,
  GenericItemUpdate,
  ItemsPage,
  StickyNote,
  StickyNoteRequest,
  TextItem,
  TextCreateRequest,
  TextUpdateRequest,
  ShapeItem,
  ShapeRequest,
  FrameItem,
  FrameCreateRequest,
  FrameUpdateRequest,
  CardItem,
  CardRequest,
  AppCardItem,
  AppCardRequest,
  ImageItem,
  ImageCreateRequest,
  ImageUpdateRequest,
  DocumentItem,
  DocumentCreateRequest,
  DocumentUpdateRequest,
  EmbedItem,
  EmbedCreateRequest,
  EmbedUpdateRequest,
  DocFormatItem,
  DocFormatCreateRequest,
  Tag: TagSummary,
  TagWithLinks,
  TagCreateRequest,
  TagUpdateRequest,
  TagsPage,
  ItemTags,
  TaggedItemsPage,
  Error: ErrorBody,
};

const NAMES = new Map<TSchema, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));

const ERRORS: Record<number, string> = {
  400: 'Invalid parameters (`invalidParameters`), with `context.fields` naming each one.',
  401: 'No token, or an invalid or expired one (`tokenNotProvided`, `tokenInvalid`, `tokenExpired`).',
  403: 'A scope the route needs is missing, or the board role does not allow it (`insufficientPermissions`).',
  404: 'No such board or item, or one the token cannot reach (`notFound`).',
  413: 'A file is larger than 6 MB (`payloadTooLarge`).',
  429: 'The rate-limit budget is spent (`tooManyRequests`); `Retry-After` says when to come back.',
};

/**
 * TypeBox schemas are JSON Schema, which OpenAPI 3.1 speaks natively. Named schemas become `$ref`s,
 * and unions of string constants are shown as the `enum` a reader expects.
 */
export function toOpenApiSchema(schema: TSchema, root = true): Json {
  const name = NAMES.get(schema);
  if (!root && name !== undefined) return { $ref: `#/components/schemas/${name}` };
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, TSchema>).map(([prop, sub]) => [prop, toOpenApiSchema(sub, false)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && value && typeof value === 'object') {
      out[key] = toOpenApiSchema(value as TSchema, false);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      const options = value as TSchema[];
      if (options.every((o) => typeof o.const === 'string')) {
        out.type = 'string';
        out.enum = options.map((o) => o.const);
      } else out.anyOf = options.map((o) => toOpenApiSchema(o, false));
    } else out[key] = value;
  }
  return out;
}

function queryParameters(schema: TSchema | undefined, where: 'query' | 'path'): Json[] {
  if (!schema?.properties) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(schema.properties as Record<string, TSchema>).map(([name, sub]) => {
    const { description, ...rest } = toOpenApiSchema(sub, false);
    return { name, in: where, required: where === 'path' || required.has(name), description, schema: rest };
  });
}

function operation(route: ApiRoute): Json {
  const description = [
    route.description,
    `Required scope: \`${route.scopes.join(' ')}\`. Rate limiting: level ${route.level} (${LEVEL_CREDITS[route.level]} credits).`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const responses: Json = {};
  const success = route.status === 204 ? 'Done; no content.' : 'Success.';
  responses[route.status] = route.schema.response
    ? {
        description: success,
        content: { 'application/json': { schema: toOpenApiSchema(route.schema.response, false) } },
      }
    : { description: success };
  const errors = route.multipart
    ? [400, 401, 403, 404, 413, 429]
    : route.schema.body || route.schema.querystring
      ? [400, 401, 403, 404, 429]
      : [401, 403, 404, 429];
  for (const status of errors) {
    responses[status] = {
      description: ERRORS[status],
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const op: Json = {
    operationId: route.operationId,
    summary: route.summary,
    description,
    tags: [route.tag],
    security: [{ oauth2: route.scopes }],
    'x-rate-limit-level': route.level,
    'x-rate-limit-credits': LEVEL_CREDITS[route.level],
    parameters: [
      ...queryParameters(route.schema.params, 'path'),
      ...queryParameters(route.schema.querystring, 'query'),
    ],
    responses,
  };
  if (route.multipart) {
    op.parameters = (op.parameters as Json[]).map((p) =>
      p.name === 'board_id' && p.in === 'path' ? { ...p, name: UPLOAD_BOARD_PARAM } : p,
    );
    op.requestBody = { required: true, content: { 'multipart/form-data': multipartSchema(route.multipart) } };
  } else if (route.schema.body) {
    op.requestBody = {
      required: !route.optionalBody,
      content: { 'application/json': { schema: toOpenApiSchema(route.schema.body, false) } },
    };
  }
  return op;
}

/**
 * The board parameter's name in an upload's path. OpenAPI has one operation per method and path,
 * and an upload shares both with the JSON operation; Miro's own spec keys the uploads apart by
 * naming the parameter `{board_id_PlatformFileUpload}`, and so does this document.
 */
export const UPLOAD_BOARD_PARAM = 'board_id_PlatformFileUpload';

/** A multipart body: its file part(s) as binary strings, its `data` part as the JSON it holds. */
function multipartSchema(body: MultipartBody): Json {
  const file = { type: 'string', format: 'binary' };
  const files =
    body.maxFiles === 1
      ? { ...file, description: 'The file, at most 6 MB.' }
      : { type: 'array', items: file, maxItems: body.maxFiles, description: 'The files, at most 6 MB each.' };
  return {
    schema: {
      type: 'object',
      required: body.dataRequired ? [body.filePart, 'data'] : [body.filePart],
      properties: { [body.filePart]: files, data: { ...toOpenApiSchema(body.data, false), description: 'JSON.' } },
      additionalProperties: false,
    },
    encoding: {
      [body.filePart]: { contentType: 'application/octet-stream' },
      data: { contentType: 'application/json' },
    },
  };
}

/** `/v2/boards/:board_id` → `/v2/boards/{board_id}` */
export const openApiPath = (url: string): string => url.replace(/:([a-z_]+)/g, '{$1}');

/**
 * The document's key for a route. OpenAPI has one operation per method and path; an operation Miro
 * tells apart by a query parameter alone is keyed with it (`…/items/{item_id}?tag_id`), as Miro's
 * own spec keys them apart (`{board_id_PlatformTags}`).
 */
export const openApiKey = (route: Pick<ApiRoute, 'url' | 'variant' | 'multipart'>): string => {
  const path = openApiPath(route.url);
  if (route.multipart) return path.replace('{board_id}', `{${UPLOAD_BOARD_PARAM}}`);
  return `${path}${route.variant ? `?${route.variant}` : ''}`;
};

/** The OpenAPI 3.1 document, built from the same route declarations the server runs. */
export function openApiDocument(routes: ApiRoute[], config: Config): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const path = openApiKey(route);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Grantboard REST API',
      version: '2.0.0',
      description:
        "A Miro-compatible REST API v2: boards, board members, sticky notes, texts, shapes, frames, cards, app cards, images, embeds, documents, doc formats, connectors, groups, bulk create, items and tags. Authorize with an OAuth 2.0 access token (`Authorization: Bearer` or `?access_token=`). A token reaches only its team's boards, and the user's board role applies on top of its scopes. Every authenticated response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.",
    },
    servers: [{ url: config.publicUrl }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(COMPONENTS).map(([name, schema]) => [name, toOpenApiSchema(schema)])),
      securitySchemes: {
        oauth2: {
          type: 'oauth2',
          flows: {
            authorizationCode: {
              authorizationUrl: `${config.publicUrl}${PATHS.authorize}`,
              tokenUrl: `${config.publicUrl}${PATHS.token}`,
              refreshUrl: `${config.publicUrl}${PATHS.token}`,
              scopes: { 'boards:read': SCOPES['boards:read'], 'boards:write': SCOPES['boards:write'] },
            },
          },
        },
      },
    },
  };
}
