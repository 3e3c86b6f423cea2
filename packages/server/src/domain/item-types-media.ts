import { fixedRatioGeometry, type ItemInput, type ItemTypeRules, merged } from './item-rules.js';

type Json = Record<string, unknown>;

/**
 * Items that show something hosted elsewhere: images, documents and embeds by URL, and doc formats.
 * Grantboard never fetches the URL (no request leaves the server on a user's behalf): it stores it,
 * and the size is what the request says over the defaults below, whose proportions stay.
 */

/** `data.url` of a request is stored (and answered) under the type's own name. */
function renamedUrl(data: Json | undefined, as: string): Json | undefined {
  if (data === undefined) return undefined;
  const { url, ...rest } = data;
  return url === undefined ? rest : { ...rest, [as]: url };
}

function byUrl(noun: string, urlField: string, size: { width: number; height: number }, rotates: boolean) {
  const rules: ItemTypeRules = {
    nestable: true,
    create(input: ItemInput) {
      return {
        data: merged({ title: '' }, renamedUrl(input.data, urlField)),
        style: {},
        ...fixedRatioGeometry(noun, input.geometry, { ...size, rotation: 0 }, rotates),
      };
    },
    update(current, input) {
      const base = { width: current.width ?? size.width, height: current.height ?? size.height };
      return {
        data: merged(current.data, renamedUrl(input.data, urlField)),
        style: {},
        ...fixedRatioGeometry(noun, input.geometry, { ...base, rotation: current.rotation }, rotates),
      };
    },
  };
  return rules;
}

const image = byUrl('an image', 'imageUrl', { width: 320, height: 320 }, true);
const document = byUrl('a document', 'documentUrl', { width: 320, height: 453 }, true);

/** Embeds: `previewUrl` is stored as given and never fetched; `mode` is inline unless asked. */
const embedBase = byUrl('an embed', 'url', { width: 400, height: 225 }, false);
const embed: ItemTypeRules = {
  ...embedBase,
  create(input) {
    const body = embedBase.create(input);
    const { title: _untitled, ...data } = body.data;
    return { ...body, data: merged({ mode: 'inline' }, data) };
  },
};

/** Doc formats: a document written on the board, sent as Markdown; no size of its own. */
const docFormat: ItemTypeRules = {
  nestable: true,
  create(input) {
    return {
      data: merged({ contentType: 'markdown' }, input.data),
      style: {},
      width: null,
      height: null,
      rotation: null,
    };
  },
  update(current) {
    return { data: current.data, style: {}, width: null, height: null, rotation: null };
  },
};

export const MEDIA_RULES = { image, document, embed, doc_format: docFormat } as const;
