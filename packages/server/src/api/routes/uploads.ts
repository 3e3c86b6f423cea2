import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AppContext } from '../../app-context.js';
import { ACCEPTED_TYPES, type FileItemType, MAX_FILE_BYTES } from '../../domain/file-types.js';
import type { FileItemRequest } from '../../domain/item-service.js';
import { invalidParameters } from '../errors.js';
import { API_PATHS } from '../paths.js';
import { presentTypedItem } from '../presenters/item.js';
import { apiLinks } from '../presenters/links.js';
import { type ApiRoute, defineRoute, type MultipartParts } from '../route.js';
import { BulkCreated } from '../schemas/bulk.js';
import { BoardParams, ItemParams } from '../schemas/common.js';
import { BulkUploadData, DocumentItem, DocumentUploadData, ImageItem, ImageUploadData } from '../schemas/media.js';
import { validationError } from '../validation.js';

/**
 * Miro's "using file from device" operations: images and documents created or changed from a file
 * sent as `multipart/form-data` (a `resource` file part and a `data` part of JSON), and the bulk
 * create of several (`resources` and `data`). Files are judged by their bytes, at most 6 MB each,
 * stored with their item in one transaction and served back at `imageUrl` / `documentUrl`.
 */

const UPLOAD_DATA: Record<FileItemType, TSchema> = { image: ImageUploadData, document: DocumentUploadData };
const CHECKS = {
  image: TypeCompiler.Compile(ImageUploadData),
  document: TypeCompiler.Compile(DocumentUploadData),
  bulk: TypeCompiler.Compile(BulkUploadData),
};

interface UploadData {
  title?: string;
  altText?: string;
  position?: { x?: number; y?: number; origin?: 'center' };
  geometry?: { width?: number; height?: number; rotation?: number };
  parent?: { id: string };
}

/** Upload data (flat, as Miro sends it) as the item input every create and update takes. */
function itemRequest(type: FileItemType, data: UploadData, bytes: Buffer): FileItemRequest {
  const { title, altText, position, geometry, parent } = data;
  const itemData: Record<string, unknown> = {};
  if (title !== undefined) itemData.title = title;
  if (altText !== undefined) itemData.altText = altText;
  // `origin` can only be `center`, which every position is; it is not stored.
  const { origin: _center, ...place } = position ?? {};
  return {
    type,
    bytes,
    input: {
      data: itemData,
      ...(position === undefined ? {} : { position: place }),
      ...(geometry === undefined ? {} : { geometry }),
      ...(parent === undefined ? {} : { parent }),
    },
  };
}

/** The one file and its data, checked against the type's schema (errors name `data.title`). */
function single(type: FileItemType, parts: MultipartParts | undefined): FileItemRequest {
  const { data = {}, files } = parts ?? { files: [] };
  const error = validationError(CHECKS[type], data, 'body', 'data');
  if (error !== undefined) throw error;
  return itemRequest(type, data as UploadData, files[0]!);
}

const resourceDoc = (type: FileItemType) =>
  `The ${type === 'image' ? 'image' : 'document'} file, at most ${MAX_FILE_BYTES / 1024 / 1024} MB: ${ACCEPTED_TYPES[type]}, judged by its content, not its name.`;

export function uploadRoutes({ services, config }: AppContext): ApiRoute[] {
  const links = apiLinks(config.publicUrl);
  const byFile = (type: FileItemType, noun: string, collection: string, member: string, response: TSchema) => {
    const multipart = { filePart: 'resource', maxFiles: 1, data: UPLOAD_DATA[type], dataRequired: false } as const;
    const tag = type === 'image' ? 'Images' : 'Documents';
    return [
      defineRoute({
        method: 'POST',
        url: collection,
        operationId:
          type === 'image' ? 'create-image-item-using-local-file' : 'create-document-item-using-file-from-device',
        summary: `Create ${noun} item using file from device`,
        description: `Adds ${noun === 'image' ? 'an image' : 'a document'} shown from the file sent in the \`resource\` part; the optional \`data\` part is JSON with \`title\`, \`position\`, \`geometry\` and \`parent\`. ${resourceDoc(type)} Needs an editor.`,
        tag,
        multipart,
        scopes: ['boards:write'],
        level: 2,
        status: 201,
        schema: { params: BoardParams, response },
        async handle({ actor, params, parts }) {
          const [item] = await services.items.createFromFiles(actor, params.board_id, [single(type, parts)]);
          return presentTypedItem(item!, links, actor.appId);
        },
      }),
      defineRoute({
        method: 'PATCH',
        url: member,
        operationId:
          type === 'image' ? 'update-image-item-using-file-from-device' : 'update-document-item-using-file-from-device',
        summary: `Update ${noun} item using file from device`,
        description: `Shows the file sent in the \`resource\` part instead of the one before, which is deleted; the optional \`data\` part changes only what it names. ${resourceDoc(type)} Needs an editor.`,
        tag,
        multipart,
        scopes: ['boards:write'],
        level: 2,
        status: 200,
        schema: { params: ItemParams, response },
        async handle({ actor, params, parts }) {
          const item = await services.items.updateFromFile(actor, params.board_id, params.item_id, single(type, parts));
          return presentTypedItem(item, links, actor.appId);
        },
      }),
    ];
  };
  return [
    ...byFile('document', 'document', API_PATHS.documents, API_PATHS.document, DocumentItem),
    ...byFile('image', 'image', API_PATHS.images, API_PATHS.image, ImageItem),
    defineRoute({
      method: 'POST',
      url: API_PATHS.itemsBulk,
      operationId: 'create-items-in-bulk-using-file-from-device',
      summary: 'Create items in bulk using file from device',
      description:
        'Up to 20 images and documents from files: the `resources` parts hold the files, and the `data` part a JSON array with one object per file, in the same order (`type`, then the fields of that type’s upload). All are created in one transaction, or none. Each item costs level 2 (100 credits), as in Miro. Needs an editor.',
      tag: 'Bulk operations',
      multipart: { filePart: 'resources', maxFiles: 20, data: BulkUploadData, dataRequired: true },
      scopes: ['boards:write'],
      level: 2,
      chargePerItem: true,
      status: 201,
      schema: { params: BoardParams, response: BulkCreated },
      async handle({ actor, params, parts }) {
        const { data, files } = parts ?? { data: [], files: [] };
        const listError = validationError(CHECKS.bulk, data, 'body', 'data');
        if (listError !== undefined) throw listError;
        const entries = data as ({ type: FileItemType } & UploadData)[];
        if (entries.length !== files.length) {
          const message = `holds ${entries.length} item${entries.length === 1 ? '' : 's'} for ${files.length} file${files.length === 1 ? '' : 's'}: send one object per resources part, in order`;
          throw invalidParameters(`Invalid parameters in the request body: data ${message}.`, [
            { in: 'body', field: 'data', message },
          ]);
        }
        const requests = entries.map(({ type, ...rest }, index) => {
          const error = validationError(CHECKS[type], rest, 'body', `data[${index}]`);
          if (error !== undefined) throw error;
          return itemRequest(type, rest, files[index]!);
        });
        const items = await services.items.createFromFiles(actor, params.board_id, requests);
        return { data: items.map((item) => presentTypedItem(item, links, actor.appId)), type: 'list' };
      },
    }),
  ];
}
