import type { AppContext } from '../../app-context.js';
import type { ConnectorInput } from '../../domain/connector-service.js';
import { API_PATHS } from '../paths.js';
import { presentConnector } from '../presenters/connector.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute } from '../route.js';
import { BoardParams } from '../schemas/common.js';
import {
  ConnectorCreateRequest,
  ConnectorParams,
  ConnectorsPage,
  ConnectorsQuery,
  ConnectorUpdateRequest,
  ConnectorWithLinks,
} from '../schemas/connectors.js';

/**
 * Connectors, as Miro's `connectors` operations (spec.json): read 1 (the list 2), create and update
 * 2, delete 3. Deleting an item deletes the connectors that end at it.
 */
export function connectorRoutes({ services, config }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  const present = (connector: Parameters<typeof presentConnector>[0]) => presentConnector(connector, links);
  return [
    defineRoute({
      method: 'POST',
      url: API_PATHS.connectors,
      operationId: 'create-connector',
      summary: 'Create connector',
      description:
        'Adds a line between two items of the board (not frames); each end snaps to a side or sits at a point. Needs an editor.',
      tag: 'Connectors',
      scopes: ['boards:write'],
      level: 2,
      // Miro answers a new connector with 200, not 201 (spec.json `create-connector`).
      status: 200,
      schema: { params: BoardParams, body: ConnectorCreateRequest, response: ConnectorWithLinks },
      async handle({ actor, params, body }) {
        return present(await services.connectors.create(actor, params.board_id, body));
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.connectors,
      operationId: 'get-connectors',
      summary: 'Get connectors',
      description: 'Connectors in creation order, with cursor pagination.',
      tag: 'Connectors',
      scopes: ['boards:read'],
      level: 2,
      status: 200,
      schema: { params: BoardParams, querystring: ConnectorsQuery, response: ConnectorsPage },
      async handle({ actor, params, query }) {
        const limit = query.limit ?? 10;
        const page = await services.connectors.list(actor, params.board_id, { limit, cursor: query.cursor });
        const path = `/v2/boards/${encodeURIComponent(params.board_id)}/connectors`;
        const pageLinks: { self: string; next?: string } = {
          self: links.withQuery(path, { limit, cursor: query.cursor || undefined }),
        };
        if (page.cursor !== undefined) pageLinks.next = links.withQuery(path, { limit, cursor: page.cursor });
        return {
          data: page.connectors.map(present),
          total: page.total,
          size: page.connectors.length,
          limit,
          ...(page.cursor === undefined ? {} : { cursor: page.cursor }),
          links: pageLinks,
        };
      },
    }),
    defineRoute({
      method: 'GET',
      url: API_PATHS.connector,
      operationId: 'get-connector',
      summary: 'Get specific connector',
      tag: 'Connectors',
      scopes: ['boards:read'],
      level: 1,
      status: 200,
      schema: { params: ConnectorParams, response: ConnectorWithLinks },
      async handle({ actor, params }) {
        return present(await services.connectors.get(actor, params.board_id, params.connector_id));
      },
    }),
    defineRoute({
      method: 'PATCH',
      url: API_PATHS.connector,
      operationId: 'update-connector',
      summary: 'Update connector',
      description: 'Changes only what the request names; captions, when sent, replace the old ones. Needs an editor.',
      tag: 'Connectors',
      scopes: ['boards:write'],
      level: 2,
      status: 200,
      optionalBody: true,
      schema: { params: ConnectorParams, body: ConnectorUpdateRequest, response: ConnectorWithLinks },
      async handle({ actor, params, body }) {
        return present(
          await services.connectors.update(actor, params.board_id, params.connector_id, body as ConnectorInput),
        );
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: API_PATHS.connector,
      operationId: 'delete-connector',
      summary: 'Delete connector',
      tag: 'Connectors',
      scopes: ['boards:write'],
      level: 3,
      status: 204,
      schema: { params: ConnectorParams },
      async handle({ actor, params }) {
        await services.connectors.delete(actor, params.board_id, params.connector_id);
      },
    }),
  ];
}
