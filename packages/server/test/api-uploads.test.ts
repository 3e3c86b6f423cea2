import type { AddressInfo } from 'node:net';
import { MiroApi } from '@mirohq/miro-api';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES } from '../src/domain/file-types.js';
import { type ApiCaller, apiAs, createBoard, enc, errorBody, startBoardApi } from './helpers/api.js';
import type { TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/dialects.js';
import { multipart, type Part, PDF, PNG } from './helpers/multipart.js';

const BASE = 'http://localhost:3000';
const FILE_URL = /^http:\/\/localhost:3000\/files\/[A-Za-z0-9_-]{43}$/;

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF\0 a small jpeg body')]);
const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);
/** A Windows executable, whatever it is named. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)]);

/** A stored ZIP archive of empty entries (APPNOTE.TXT §4.3): enough to be told apart by its names. */
function zip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n);
    centrals.push(central, n);
    offset += 30 + n.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
const DOCX = zip(['[Content_Types].xml', '_rels/.rels', 'word/document.xml']);
const PLAIN_ZIP = zip(['notes.txt']);

const file = (body: Buffer, filename = 'file.png'): Part => ({ name: 'resource', filename, body });
const data = (value: unknown): Part => ({ name: 'data', body: JSON.stringify(value) });

describe.each(DIALECTS)('images and documents from files on %s', (dialect) => {
  let t: TestApp;
  let alice: ApiCaller;
  let board: string;
  let path: string;
  let miro: MiroApi;

  const send = (method: 'POST' | 'PATCH', url: string, parts: Part[], token = alice.token) => {
    const { payload, headers } = multipart(parts);
    return t.app.inject({ method, url, payload, headers: { ...headers, authorization: `Bearer ${token}` } });
  };
  const count = async (table: 'files' | 'items') =>
    Number(
      (
        await t.db.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const fetchFile = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: url.slice(BASE.length), headers });

  beforeAll(async () => {
    ({ t, alice, board, path } = await startBoardApi(dialect, 'Uploads'));
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    miro = new MiroApi(alice.token, `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`);
  });
  afterAll(() => t?.close());

  it('creates and updates images from files through the official client, and serves them back', async () => {
    const b = await miro.getBoard(board);
    const image = await b.createImageItem({
      data: { title: 'Logo', data: PNG },
      position: { x: 10, y: 20 },
      geometry: { width: 100 },
    });
    expect(image.type).toBe('image');
    expect(image.data?.title).toBe('Logo');
    expect(image.data?.imageUrl).toMatch(FILE_URL);
    expect(image.position).toMatchObject({ x: 10, y: 20, origin: 'center' });
    expect(image.geometry).toMatchObject({ width: 100, height: 100 });
    expect(image.links?.self).toBe(`${BASE}/v2/boards/${enc(board)}/images/${image.id}`);

    const served = await fetchFile(image.data!.imageUrl!);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-disposition']).toBe('inline; filename="file.png"');
    expect(served.rawPayload.equals(PNG)).toBe(true);
    const again = await fetchFile(image.data!.imageUrl!, { 'if-none-match': String(served.headers.etag) });
    expect(again.statusCode).toBe(304);

    // The client names every upload `filename.png`; a JPEG is still a JPEG, by its bytes.
    await image.update({ data: { title: 'Logo, JPEG', data: JPEG } });
    const updated = await b.getImageItem(image.id);
    expect(updated.data?.title).toBe('Logo, JPEG');
    expect(updated.data?.imageUrl).toMatch(FILE_URL);
    expect(updated.data?.imageUrl).not.toBe(image.data?.imageUrl);
    expect((await fetchFile(updated.data!.imageUrl!)).headers['content-type']).toBe('image/jpeg');
    // The old file went with the change.
    expect((await fetchFile(image.data!.imageUrl!)).statusCode).toBe(404);

    // The generated call sends `data` as a JSON field.
    const low = await miro._api.createImageItemUsingLocalFile(board, PNG, { title: 'Low level', altText: 'a dot' });
    expect(low.response.status).toBe(201);
    expect(low.body.data).toMatchObject({ title: 'Low level', imageUrl: expect.stringMatching(FILE_URL) });
    // The client's model has no `altText`; it is kept and answered all the same.
    expect((await alice.call('GET', `${path}/images/${low.body.id}`)).json().data.altText).toBe('a dot');
    const lowUpdate = await miro._api.updateImageItemUsingFileFromDevice(board, low.body.id, JPEG, {
      position: { x: -5 },
    });
    expect(lowUpdate.body.position).toMatchObject({ x: -5, y: 0 });
    expect(lowUpdate.body.data?.title).toBe('Low level');
  });

  it('creates and updates documents from files through the official client', async () => {
    const b = await miro.getBoard(board);
    const doc = await b.createDocumentItem({ data: { title: 'Spec', data: PDF } });
    expect(doc.type).toBe('document');
    expect(doc.data).toMatchObject({ title: 'Spec', documentUrl: expect.stringMatching(FILE_URL) });
    const served = await fetchFile(doc.data!.documentUrl!);
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toBe('attachment; filename="file.pdf"');
    expect(served.headers['content-security-policy']).toContain('sandbox');
    expect(served.rawPayload.equals(PDF)).toBe(true);

    const low = await miro._api.updateDocumentItemUsingFileFromDevice(board, doc.id, DOCX, { title: 'Spec v2' });
    expect(low.body.data?.title).toBe('Spec v2');
    const docx = await fetchFile(low.body.data!.documentUrl!);
    expect(docx.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(docx.headers['content-disposition']).toBe('attachment; filename="file.docx"');
    const created = await miro._api.createDocumentItemUsingFileFromDevice(board, PDF, { title: 'Another' });
    expect(created.response.status).toBe(201);
    expect(created.body.data?.documentUrl).toMatch(FILE_URL);
  });

  it('serves an SVG only as a download under a sandbox, and answers 404 for an unknown file', async () => {
    const response = await send('POST', `${path}/images`, [file(SVG, 'icon.svg')]);
    expect(response.statusCode).toBe(201);
    const served = await fetchFile(response.json().data.imageUrl);
    expect(served.headers['content-type']).toBe('image/svg+xml');
    expect(served.headers['content-disposition']).toBe('attachment; filename="file.svg"');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; sandbox");
    expect((await t.app.inject({ method: 'GET', url: `/files/${'A'.repeat(43)}` })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/files/..%2Fetc' })).statusCode).toBe(404);
  });

  it('creates images and documents in bulk from files, all or none', async () => {
    const before = { files: await count('files'), items: await count('items') };
    const ok = await send('POST', `${path}/items/bulk`, [
      {
        name: 'data',
        filename: 'data.json',
        contentType: 'application/json',
        body: JSON.stringify([
          { type: 'document', title: 'document1', position: { origin: 'center', x: 500, y: 500 } },
          { type: 'image', title: 'image1', geometry: { width: 500 } },
        ]),
      },
      { name: 'resources', filename: 'a.pdf', body: PDF },
      { name: 'resources', filename: 'b.png', body: PNG },
    ]);
    expect(ok.statusCode, ok.body).toBe(201);
    // Each item costs level 2 (100 credits), as a bulk create does in Miro; the test clock stands still.
    const after = await alice.call('GET', path);
    const remaining = (r: LightMyRequestResponse) => Number(r.headers['x-ratelimit-remaining']);
    expect(remaining(ok) - remaining(after)).toBe(50);
    const probe = await alice.call('GET', path);
    const twoMore = await send('POST', `${path}/items/bulk`, [
      data([{ type: 'image' }, { type: 'image' }]),
      { name: 'resources', filename: 'a.png', body: PNG },
      { name: 'resources', filename: 'b.png', body: PNG },
    ]);
    expect(remaining(probe) - remaining(twoMore)).toBe(200);
    before.files += 2;
    before.items += 2;
    const body = ok.json() as { type: string; data: { type: string; data: Record<string, string> }[] };
    expect(body.type).toBe('list');
    expect(body.data.map((item) => [item.type, item.data.title])).toEqual([
      ['document', 'document1'],
      ['image', 'image1'],
    ]);
    expect(body.data[0]!.data.documentUrl).toMatch(FILE_URL);
    expect((body.data[0] as unknown as { position: unknown }).position).toMatchObject({
      x: 500,
      y: 500,
      origin: 'center',
    });
    expect(await count('files')).toBe(before.files + 2);

    // The second file is not an image: nothing of the request is written.
    const bad = await send('POST', `${path}/items/bulk`, [
      data([{ type: 'image' }, { type: 'image' }]),
      { name: 'resources', filename: 'a.png', body: PNG },
      { name: 'resources', filename: 'b.png', body: EXE },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().context.fields[0].field).toBe('[1].resource');
    const mismatch = await send('POST', `${path}/items/bulk`, [
      data([{ type: 'image' }]),
      { name: 'resources', filename: 'a.png', body: PNG },
      { name: 'resources', filename: 'b.png', body: PNG },
    ]);
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().context.fields[0].field).toBe('data');
    const unknownField = await send('POST', `${path}/items/bulk`, [
      data([{ type: 'image', style: {} }]),
      { name: 'resources', filename: 'a.png', body: PNG },
    ]);
    expect(unknownField.statusCode).toBe(400);
    expect(await count('files')).toBe(before.files + 2);
    expect(await count('items')).toBe(before.items + 2);
  });

  it('refuses hostile uploads with Miro’s envelope and writes nothing', async () => {
    const before = { files: await count('files'), items: await count('items') };
    const url = `${path}/images`;
    const frame = (await alice.call('POST', `${path}/frames`, { data: { title: 'F' } })).json().id as string;
    const sticky = (await alice.call('POST', `${path}/sticky_notes`, {})).json().id as string;
    const refused: [string, Part[], number, string | undefined][] = [
      ['an executable named .png', [file(EXE, 'photo.png')], 400, 'resource'],
      ['a ZIP that is no Office document', [{ ...file(PLAIN_ZIP, 'a.docx') }], 400, 'resource'],
      ['an empty file', [file(Buffer.alloc(0))], 400, 'resource'],
      [
        'a file one byte over 6 MB',
        [file(Buffer.concat([PNG, Buffer.alloc(MAX_FILE_BYTES + 1 - PNG.length)]))],
        413,
        undefined,
      ],
      ['no resource part', [data({ title: 'x' })], 400, 'resource'],
      ['two resource parts', [file(PNG), file(PNG)], 400, 'resource'],
      ['two data parts', [file(PNG), data({}), data({})], 400, 'data'],
      ['an unknown part', [file(PNG), { name: 'style', body: '{}' }], 400, 'style'],
      ['malformed JSON in data', [file(PNG), { name: 'data', body: '{"title": ' }], 400, 'data'],
      ['an unknown field in data', [file(PNG), data({ title: 'x', color: 'red' })], 400, 'data.color'],
      ['a wrong type in data', [file(PNG), data({ position: { x: 'left' } })], 400, 'data.position.x'],
      ['both width and height', [file(PNG), data({ geometry: { width: 1, height: 2 } })], 400, undefined],
      ['a parent that is not a frame', [file(PNG), data({ parent: { id: sticky } })], 400, 'parent.id'],
      ['the resource sent as a field', [{ name: 'resource', body: 'not a file' }], 400, 'resource'],
    ];
    for (const [what, parts, status, field] of refused) {
      const response = await send('POST', url, parts);
      expect(response.statusCode, what).toBe(status);
      const body = response.json();
      expect(body, what).toMatchObject({
        status,
        type: 'error',
        code: status === 413 ? 'payloadTooLarge' : 'invalidParameters',
      });
      if (field !== undefined) expect(body.context.fields[0].field, what).toBe(field);
    }
    // The largest file Miro takes is taken.
    const largest = await send('POST', url, [
      file(Buffer.concat([PNG, Buffer.alloc(MAX_FILE_BYTES - PNG.length)])),
      data({ parent: { id: frame } }),
    ]);
    expect(largest.statusCode).toBe(201);
    expect(largest.json().parent.id).toBe(frame);
    expect(await count('files')).toBe(before.files + 1);
    expect(await count('items')).toBe(before.items + 3);

    // An update refused leaves the item and its file as they were.
    const image = largest.json() as { id: string; data: { imageUrl: string } };
    const refusedUpdate = await send('PATCH', `${url}/${image.id}`, [file(EXE), data({ title: 'changed' })]);
    expect(refusedUpdate.statusCode).toBe(400);
    const unchanged = (await alice.call('GET', `${url}/${image.id}`)).json();
    expect(unchanged.data).toEqual({ title: '', imageUrl: image.data.imageUrl });
    expect((await fetchFile(image.data.imageUrl)).statusCode).toBe(200);
    // A document file is not an image, and an image item is not a document.
    expect((await send('POST', url, [file(PDF, 'a.png')])).statusCode).toBe(400);
    const wrongType = await send('PATCH', `${path}/documents/${image.id}`, [file(PDF)]);
    expect(wrongType.statusCode).toBe(404);
    expect(await count('files')).toBe(before.files + 1);
  });

  it('answers a malformed multipart body with a 400, never a 500, and writes nothing', async () => {
    const before = await count('files');
    const raw = (url: string, contentType: string, payload: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': contentType, authorization: `Bearer ${alice.token}` },
      });
    const head = (name: string) =>
      Buffer.from(`--xx\r\nContent-Disposition: form-data; name="${name}"; filename="a.png"\r\n\r\n`);
    const invalid = errorBody(400, 'invalidParameters', 'The request body is not a valid multipart/form-data body.');
    expect((await raw(`${path}/images`, 'multipart/form-data', 'no boundary')).json()).toEqual(invalid);
    const truncated = Buffer.concat([head('resource'), PNG]);
    expect((await raw(`${path}/images`, 'multipart/form-data; boundary=xx', truncated)).json()).toEqual(invalid);
    const tooMany = Buffer.concat([
      ...Array.from({ length: 21 }, () => Buffer.concat([head('resources'), PNG, Buffer.from('\r\n')])),
      Buffer.from('--xx\r\nContent-Disposition: form-data; name="data"\r\n\r\n[]\r\n--xx--\r\n'),
    ]);
    const bulk = await raw(`${path}/items/bulk`, 'multipart/form-data; boundary=xx', tooMany);
    expect(bulk.statusCode).toBe(400);
    expect(bulk.json().context.fields[0]).toEqual({
      in: 'body',
      field: 'resources',
      message: 'holds more than 20 files',
    });
    expect(await count('files')).toBe(before);
  });

  it('checks the token and its scopes before reading a body, and keeps JSON routes JSON-only', async () => {
    const before = await count('files');
    const anonymous = await send('POST', `${path}/images`, [file(PNG)], 'not-a-token');
    expect(anonymous.statusCode).toBe(401);
    const reader = await apiAs(t, { scopes: ['boards:read'] });
    const readOnly = await send('POST', `${path}/images`, [file(PNG)], reader.token);
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().code).toBe('insufficientPermissions');
    expect(await count('files')).toBe(before);
    const onSticky = await send('POST', `${path}/sticky_notes`, [file(PNG)]);
    expect(onSticky.statusCode).toBe(400);
    expect(onSticky.json()).toEqual(errorBody(400, 'invalidParameters', 'Send the request body as application/json.'));
    const unknownQuery = await send('POST', `${path}/images?color=red`, [file(PNG)]);
    expect(unknownQuery.statusCode).toBe(400);
    expect(unknownQuery.json().context.fields[0]).toMatchObject({ in: 'query', field: 'color' });
    // The JSON operation on the same path still answers JSON.
    const byUrl = await alice.call('POST', `${path}/images`, { data: { url: 'https://example.com/a.png' } });
    expect(byUrl.statusCode).toBe(201);
    expect(byUrl.json().data.imageUrl).toBe('https://example.com/a.png');
  });

  it('deletes the file with its item, and every file of a board with the board', async () => {
    const other = await createBoard(alice, { name: 'Doomed' });
    const otherPath = `/v2/boards/${enc(other)}`;
    const first = (await send('POST', `${otherPath}/images`, [file(PNG)])).json();
    const second = (await send('POST', `${otherPath}/documents`, [file(PDF)])).json();
    expect((await fetchFile(first.data.imageUrl)).statusCode).toBe(200);
    const before = await count('files');
    expect((await alice.call('DELETE', `${otherPath}/images/${first.id}`)).statusCode).toBe(204);
    expect((await fetchFile(first.data.imageUrl)).statusCode).toBe(404);
    expect(await count('files')).toBe(before - 1);
    expect((await alice.call('DELETE', otherPath)).statusCode).toBe(204);
    expect((await fetchFile(second.data.documentUrl)).statusCode).toBe(404);
    expect(await count('files')).toBe(before - 2);
  });
});
