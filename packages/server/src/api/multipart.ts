import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TooLargeError } from '../domain/errors.js';
import { MAX_FILE_BYTES } from '../domain/file-types.js';
import { ApiError, invalidParameters } from './errors.js';
import { constraintStorage } from './request-shape.js';
import type { MultipartBody, MultipartParts } from './route.js';

/**
 * Multipart bodies, for Miro's "using file from device" operations only: the parser is registered
 * in the context that holds those routes, so every other route still refuses anything but JSON.
 */

/** The `data` part is a few fields of JSON (20 items of them for a bulk create). */
const MAX_DATA_BYTES = 256 * 1024;

const isMultipart = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^multipart\/form-data\s*(?:;|$)/i.test(contentType);

/**
 * The router constraint that sends a multipart request to the multipart variant of its method and
 * path (`POST …/images` with a file, rather than with JSON). A request of any other type, or one to
 * a path with no multipart variant, reaches the plain operation, whose JSON parser refuses it.
 */
export function addBodyKinds(app: FastifyInstance): void {
  app.addConstraintStrategy({
    name: 'bodyKind',
    mustMatchWhenDerived: false,
    storage: constraintStorage,
    deriveConstraint(request: IncomingMessage): 'multipart' | undefined {
      return isMultipart(request.headers['content-type']) ? 'multipart' : undefined;
    },
  });
}

/** Registers the multipart parser in the (encapsulated) context of the upload routes. */
export async function multipartBodies(app: FastifyInstance): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: true });
}

const tooLarge = () =>
  new TooLargeError(`A file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, the most an image or a document takes.`);

const badPart = (field: string, message: string) =>
  invalidParameters(`Invalid parameters in the request body: ${field} ${message}.`, [{ in: 'body', field, message }]);

/** Busboy's limit errors, in Miro's envelope: a file over 6 MB is a 413, too many parts a 400. */
function translate(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return invalidParameters('The request body has more parts than this operation takes.');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_NO_FORM_DATA')
    return invalidParameters('The request body is not a valid multipart/form-data body.');
  if (
    error instanceof Error &&
    !(error instanceof ApiError) &&
    /multipart|boundary|Unexpected end/i.test(error.message)
  )
    return invalidParameters('The request body is not a valid multipart/form-data body.');
  return error;
}

function parseData(text: string): unknown {
  if (Buffer.byteLength(text) > MAX_DATA_BYTES) throw badPart('data', `is longer than ${MAX_DATA_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw badPart('data', 'is not valid JSON');
  }
}

/**
 * Reads every part of a multipart body: the files named by the operation (each at most 6 MB, read
 * into memory as it streams, so an oversized one is refused at its 6 MB + 1st byte) and one `data`
 * part of JSON, sent as a field or as a file (the official client sends it either way). Any other
 * part, a part sent twice, or a missing one is a 400 naming it; nothing is written until all of it
 * is read and judged.
 */
export async function readParts(request: FastifyRequest, body: MultipartBody): Promise<MultipartParts> {
  const files: Buffer[] = [];
  let data: string | undefined;
  try {
    const parts = request.parts({
      limits: {
        fileSize: MAX_FILE_BYTES,
        fieldSize: MAX_DATA_BYTES,
        // One over what the operation takes, so that the extra part is named in a 400 below.
        files: body.maxFiles + 2,
        fields: 3,
        parts: body.maxFiles + 4,
        headerPairs: 20,
      },
    });
    for await (const part of parts) {
      const name = part.fieldname;
      if (name !== body.filePart && name !== 'data') {
        throw badPart(name.slice(0, 100), `is not a part this operation takes (send ${body.filePart} and data)`);
      }
      if (name === 'data') {
        if (data !== undefined) throw badPart('data', 'is sent more than once');
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          data = bytes.toString('utf8');
        } else {
          if (part.valueTruncated) throw badPart('data', `is longer than ${MAX_DATA_BYTES} bytes`);
          data = String(part.value);
        }
        continue;
      }
      if (part.type !== 'file') throw badPart(name, 'must be a file part (with a filename)');
      if (files.length === body.maxFiles) {
        throw badPart(name, body.maxFiles === 1 ? 'is sent more than once' : `holds more than ${body.maxFiles} files`);
      }
      files.push(await part.toBuffer());
    }
  } catch (error) {
    throw translate(error);
  }
  if (files.length === 0) throw badPart(body.filePart, 'is required');
  if (data === undefined && body.dataRequired) throw badPart('data', 'is required');
  return { data: data === undefined ? undefined : parseData(data), files };
}

const PARTS = Symbol('multipart parts');

/** Keeps the parts read in `preValidation` for the handler. */
export function keepParts(request: FastifyRequest, parts: MultipartParts): void {
  (request as unknown as Record<symbol, MultipartParts>)[PARTS] = parts;
}

export function partsOf(request: FastifyRequest): MultipartParts | undefined {
  return (request as unknown as Record<symbol, MultipartParts | undefined>)[PARTS];
}
