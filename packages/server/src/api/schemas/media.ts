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
export const ImageItem = TypedItem('image', Type.Object({ imageUrl: Type.String(), title: Type.String() }, closed));

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
