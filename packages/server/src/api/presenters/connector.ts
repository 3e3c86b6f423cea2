import type { Connector, ConnectorEnd } from '../../domain/model.js';
import { type ApiLinks, iso } from './links.js';

/** Where a snapped end sits on its item's box, as Miro reports it. */
const SNAPPED = {
  top: { x: '50%', y: '0%' },
  right: { x: '100%', y: '50%' },
  bottom: { x: '50%', y: '100%' },
  left: { x: '0%', y: '50%' },
} as const;

function end(connector: Connector, at: ConnectorEnd, links: ApiLinks) {
  const position = at.position ?? SNAPPED[at.snapTo as keyof typeof SNAPPED];
  return {
    id: at.itemId,
    links: { self: links.boardPath(connector.boardId, `items/${at.itemId}`) },
    ...(position === undefined ? {} : { position }),
  };
}

/** Miro's `ConnectorWithLinks`. */
export function presentConnector(connector: Connector, links: ApiLinks) {
  return {
    id: connector.id,
    type: 'connector' as const,
    isSupported: true,
    shape: connector.shape,
    startItem: end(connector, connector.start, links),
    endItem: end(connector, connector.end, links),
    captions: connector.captions,
    style: connector.style,
    createdAt: iso(connector.createdAt),
    createdBy: { id: connector.createdBy, type: 'user' as const },
    modifiedAt: iso(connector.modifiedAt),
    modifiedBy: { id: connector.modifiedBy, type: 'user' as const },
    links: { self: links.boardPath(connector.boardId, `connectors/${connector.id}`) },
  };
}
