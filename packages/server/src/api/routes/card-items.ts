import type { AppContext } from '../../app-context.js';
import { API_PATHS } from '../paths.js';
import type { ApiRoute } from '../route.js';
import { AppCardItem, AppCardRequest, CardItem, CardRequest } from '../schemas/cards.js';
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
import { typedItemRoutes } from './typed-items.js';

/** Cards, app cards, and the items shown from a URL: images, documents, embeds; and doc formats. */
export function cardAndMediaRoutes(context: AppContext): ApiRoute[] {
  return [
    ...typedItemRoutes(context, {
      type: 'app_card',
      tag: 'App cards',
      operation: 'app-card-item',
      noun: 'app card',
      collection: API_PATHS.appCards,
      member: API_PATHS.appCard,
      createBody: AppCardRequest,
      updateBody: AppCardRequest,
      response: AppCardItem,
      createOptional: true,
    }),
    ...typedItemRoutes(context, {
      type: 'card',
      tag: 'Cards',
      operation: 'card-item',
      noun: 'card',
      collection: API_PATHS.cards,
      member: API_PATHS.card,
      createBody: CardRequest,
      updateBody: CardRequest,
      response: CardItem,
      createOptional: true,
    }),
    ...typedItemRoutes(context, {
      type: 'document',
      tag: 'Documents',
      operation: 'document-item',
      noun: 'document',
      collection: API_PATHS.documents,
      member: API_PATHS.document,
      createBody: DocumentCreateRequest,
      updateBody: DocumentUpdateRequest,
      response: DocumentItem,
      byUrl: true,
    }),
    ...typedItemRoutes(context, {
      type: 'embed',
      tag: 'Embeds',
      operation: 'embed-item',
      noun: 'embed',
      collection: API_PATHS.embeds,
      member: API_PATHS.embed,
      createBody: EmbedCreateRequest,
      updateBody: EmbedUpdateRequest,
      response: EmbedItem,
    }),
    ...typedItemRoutes(context, {
      type: 'image',
      tag: 'Images',
      operation: 'image-item',
      noun: 'image',
      collection: API_PATHS.images,
      member: API_PATHS.image,
      createBody: ImageCreateRequest,
      updateBody: ImageUpdateRequest,
      response: ImageItem,
      byUrl: true,
    }),
    ...typedItemRoutes(context, {
      type: 'doc_format',
      tag: 'Doc formats',
      operation: 'doc-format-item',
      noun: 'doc format',
      collection: API_PATHS.docs,
      member: API_PATHS.doc,
      createBody: DocFormatCreateRequest,
      response: DocFormatItem,
    }),
  ];
}
