/**
 * What an uploaded file is, read from its bytes (its "magic numbers"), never from the name or the
 * content type the request declares: the official Node client names every image `filename.png`
 * and every document `filename.pdf`, and a hostile one names an executable `photo.png`.
 */

/** Miro's limit on a file sent for an image or a document ("The maximum file size supported is 6 MB"). */
export const MAX_FILE_BYTES = 6 * 1024 * 1024;

/** The two item types shown from an uploaded file. */
export type FileItemType = 'image' | 'document';

export interface FileType {
  mediaType: string;
  extension: string;
}

const startsWith = (bytes: Uint8Array, signature: number[], at = 0): boolean =>
  bytes.length >= at + signature.length && signature.every((byte, i) => bytes[at + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** An SVG document: optional BOM, XML declaration, comments and doctype, then an `<svg` root. */
const SVG_START =
  /^\uFEFF?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:(?:<!--[\s\S]{0,2000}?-->|<!DOCTYPE[^>]{0,500}>)\s*)*<svg[\s>]/i;

function sniffImage(bytes: Uint8Array): FileType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', extension: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', extension: 'jpg' };
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a')))
    return { mediaType: 'image/gif', extension: 'gif' };
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8))
    return { mediaType: 'image/webp', extension: 'webp' };
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8');
  if (SVG_START.test(head)) return { mediaType: 'image/svg+xml', extension: 'svg' };
  return undefined;
}

const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Legacy Office files are OLE2 compound files; the name of their main stream says which. */
function sniffCompound(bytes: Uint8Array): FileType | undefined {
  const has = (stream: string) => Buffer.from(bytes).includes(Buffer.from(stream, 'utf16le'));
  if (has('WordDocument')) return { mediaType: 'application/msword', extension: 'doc' };
  if (has('Workbook') || has('Book')) return { mediaType: 'application/vnd.ms-excel', extension: 'xls' };
  if (has('PowerPoint Document')) return { mediaType: 'application/vnd.ms-powerpoint', extension: 'ppt' };
  return undefined;
}

/** The names in a ZIP archive's central directory (APPNOTE.TXT §4.3.12, §4.3.16), or none. */
function zipEntryNames(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record: 22 bytes, then a comment of up to 65535.
  const floor = Math.max(0, buffer.length - 22 - 0xffff);
  let end = -1;
  for (let at = buffer.length - 22; at >= floor; at--) {
    if (buffer.readUInt32LE(at) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end === -1) return [];
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count && at + 46 <= end; i++) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) return [];
    const nameLength = buffer.readUInt16LE(at + 28);
    const extra = buffer.readUInt16LE(at + 30);
    const comment = buffer.readUInt16LE(at + 32);
    names.push(buffer.toString('latin1', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

/** Office Open XML files (ECMA-376 Part 2) are ZIP packages; the main part's folder says which. */
function sniffOpenXml(bytes: Uint8Array): FileType | undefined {
  const names = zipEntryNames(bytes);
  if (!names.includes('[Content_Types].xml')) return undefined;
  const under = (folder: string) => names.some((name) => name.startsWith(folder));
  const office = 'application/vnd.openxmlformats-officedocument';
  if (under('word/')) return { mediaType: `${office}.wordprocessingml.document`, extension: 'docx' };
  if (under('xl/')) return { mediaType: `${office}.spreadsheetml.sheet`, extension: 'xlsx' };
  if (under('ppt/')) return { mediaType: `${office}.presentationml.presentation`, extension: 'pptx' };
  return undefined;
}

function sniffDocument(bytes: Uint8Array): FileType | undefined {
  if (startsWith(bytes, ascii('%PDF-'))) return { mediaType: 'application/pdf', extension: 'pdf' };
  if (startsWith(bytes, OLE2)) return sniffCompound(bytes);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffOpenXml(bytes);
  return undefined;
}

/** The types each item accepts, as the API reference lists them. */
export const ACCEPTED_TYPES: Record<FileItemType, string> = {
  image: 'PNG, JPEG, GIF, WebP or SVG',
  document: 'PDF, Word (DOC, DOCX), Excel (XLS, XLSX) or PowerPoint (PPT, PPTX)',
};

/** What the file is, when it is one the item type accepts; undefined otherwise. */
export function sniffFileType(type: FileItemType, bytes: Uint8Array): FileType | undefined {
  return type === 'image' ? sniffImage(bytes) : sniffDocument(bytes);
}
