import { CloneType, Type } from '@sinclair/typebox';
import { closed, ParentChange, PositionChange, StringEnum } from './common.js';
import { FixedRatioGeometry, TypedItem, WebUrl } from './item-parts.js';

const Title = Type.String({ maxLength: 1000, description: 'Default: empty.' });

const placement = { position: Type.Optional(PositionChange), parent: Type.Optional(ParentChange) };

function urlData(noun: string, required: boolean) {
  const url = CloneType(WebUrl, { description: `Where the ${noun} is hosted; stored as given, never fetched.` });
  return Type.Object({ url: required ? url : Type.Optional(url), title: Type.Optional(Title) }, closed);
}

export const ImageCreateRequest = Type.Object(
  { data: urlData('image', true), geometry: Type.Optional(FixedRatioGeometry(true)), ...placement },
  closed,
);
export const ImageUpdateRequest = Type.Object(
  { data: Type.Optional(urlData('image', false)), geometry: Type.Optional(FixedRatioGeometry(true)), ...placement },
  closed,
);
export const ImageItem = TypedItem(
  'image',
  Type.Object({ imageUrl: Type.String(), title: Type.String(), altText: Type.Optional(Type.String()) }, closed),
);

/** Miro's upload data may say where its position counts from; `center` is the only origin. */
const UploadPosition = Type.Object(
  { ...PositionChange.properties, origin: Type.Optional(Type.Literal('center', { description: 'Default: center.' })) },
  closed,
);

/**
 * The JSON in the `data` part of an upload ("using file from device"): Miro's
 * `UploadFileFromDeviceData`, flat, with the title beside the position and the geometry.
 */
function uploadData(image: boolean) {
  return Type.Object(
    {
      title: Type.Optional(Title),
      ...(image
        ? { altText: Type.Optional(Type.String({ maxLength: 1000, description: 'A description of the image.' })) }
        : {}),
      position: Type.Optional(UploadPosition),
      geometry: Type.Optional(FixedRatioGeometry(true)),
      parent: Type.Optional(ParentChange),
    },
    closed,
  );
}
export const ImageUploadData = uploadData(true);
export const DocumentUploadData = uploadData(false);

/** One item of a bulk create from files: `type`, then that type's upload data (checked by the route). */
export const BulkUploadItem = Type.Object(
  {
    type: StringEnum(['image', 'document']),
    title: Type.Optional(Type.Unknown()),
    altText: Type.Optional(Type.Unknown()),
    position: Type.Optional(Type.Unknown()),
    geometry: Type.Optional(Type.Unknown()),
    parent: Type.Optional(Type.Unknown()),
  },
  closed,
);
export const BulkUploadData = Type.Array(BulkUploadItem, {
  minItems: 1,
  maxItems: 20,
  description: 'One object per file, in the order of the `resources` parts.',
});

export const DocumentCreateRequest = Type.Object(
  { data: urlData('document', true), geometry: Type.Optional(FixedRatioGeometry(true)), ...placement },
  closed,
);
export const DocumentUpdateRequest = Type.Object(
  { data: Type.Optional(urlData('document', false)), geometry: Type.Optional(FixedRatioGeometry(true)), ...placement },
  closed,
);
export const DocumentItem = TypedItem(
  'document',
  Type.Object({ documentUrl: Type.String(), title: Type.String() }, closed),
);

const EmbedMode = StringEnum(['inline', 'modal'], { description: 'Default: inline.' });

function embedData(required: boolean) {
  const url = CloneType(WebUrl, { description: 'The page to embed; stored as given, never fetched.' });
  return Type.Object(
    {
      url: required ? url : Type.Optional(url),
      mode: Type.Optional(EmbedMode),
      previewUrl: Type.Optional(
        CloneType(WebUrl, { description: 'An image shown until the embed is opened; stored as given, never fetched.' }),
      ),
    },
    closed,
  );
}

export const EmbedCreateRequest = Type.Object(
  { data: embedData(true), geometry: Type.Optional(FixedRatioGeometry(false)), ...placement },
  closed,
);
export const EmbedUpdateRequest = Type.Object(
  { data: Type.Optional(embedData(false)), geometry: Type.Optional(FixedRatioGeometry(false)), ...placement },
  closed,
);
export const EmbedItem = TypedItem(
  'embed',
  Type.Object(
    { url: Type.String(), mode: StringEnum(['inline', 'modal']), previewUrl: Type.Optional(Type.String()) },
    closed,
  ),
);

export const DocFormatCreateRequest = Type.Object(
  {
    data: Type.Object(
      {
        contentType: Type.Literal('markdown', { description: 'Doc formats are written in Markdown.' }),
        content: Type.String({ maxLength: 100_000 }),
        contentVersion: Type.Optional(Type.Number()),
      },
      closed,
    ),
    ...placement,
  },
  closed,
);
export const DocFormatItem = TypedItem(
  'doc_format',
  Type.Object(
    { contentType: Type.String(), content: Type.String(), contentVersion: Type.Optional(Type.Number()) },
    closed,
  ),
  undefined,
  false,
);
