import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';
import { type InvalidField, invalidParameters } from './errors.js';

type Part = InvalidField['in'];

const PARTS: Record<string, Part> = { body: 'body', querystring: 'query', params: 'path' };

/** Errors named in one response: enough to fix a request, never a wall of text. */
const MAX_REPORTED = 10;

/**
 * Query strings carry text: integers are read from plain decimal digits only, so `limit=1e3` or
 * `limit= 12` stay strings and fail validation instead of being guessed at.
 */
function coerceQuery(schema: TSchema, data: unknown): unknown {
  if (typeof data !== 'object' || data === null || schema.properties === undefined) return data;
  const properties = schema.properties as Record<string, TSchema>;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [name, value] of Object.entries(out)) {
    const type = properties[name]?.type;
    if ((type === 'integer' || type === 'number') && typeof value === 'string' && /^-?\d{1,15}$/.test(value)) {
      out[name] = Number(value);
    }
  }
  return out;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The path of the first string that storage could not keep as sent: a NUL (PostgreSQL text refuses
 * it) or a lone surrogate (not Unicode; it would come back as U+FFFD). Found anywhere in the value.
 */
function unstorableString(root: unknown): string | undefined {
  // Iterative: a hostile body may nest tens of thousands of levels deep.
  const pending: [unknown, string][] = [[root, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000') || LONE_SURROGATE.test(value)) return path;
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return itemPath;
        pending.push([item, itemPath]);
      }
    }
  }
  return undefined;
}

/** A sentence for one schema violation, naming the allowed values when there is a short list. */
function describe(error: ValueError, part: Part): string {
  const options = (error.schema.anyOf as TSchema[] | undefined)?.map((option) => option.const);
  if (options?.every((option) => typeof option === 'string')) return `must be one of: ${options.join(', ')}`;
  if (error.message === 'Unexpected property')
    return part === 'query' ? 'is not a known parameter' : 'is not a known field';
  if (error.message.startsWith('Expected required property')) return 'is required';
  return error.message.replace(/^Expected/, 'expected');
}

/** The dotted path of a violation (`data.content`), or the part itself for the whole. */
function fieldOf(path: string): string {
  return path === '' ? '(root)' : path.slice(1).replaceAll('/', '.').replaceAll('~1', '/').replaceAll('~0', '~');
}

/**
 * Checks a value against a schema as the edge does: the 400 `invalidParameters` naming each bad
 * field, or undefined when it is fine. `prefix` names where the value sits in a larger request
 * (`[3]` for the fourth item of a bulk create).
 */
export function validationError(
  check: ReturnType<typeof TypeCompiler.Compile>,
  value: unknown,
  part: Part,
  prefix = '',
): ReturnType<typeof invalidParameters> | undefined {
  const named = (field: string) => (prefix === '' ? field : field === '(root)' ? prefix : `${prefix}.${field}`);
  const unstorable = unstorableString(value);
  if (unstorable !== undefined) {
    const field = named(fieldOf(unstorable));
    return invalidParameters(`Invalid parameters: ${field} contains a NUL character or malformed Unicode.`, [
      { in: part, field, message: 'contains a NUL character or malformed Unicode' },
    ]);
  }
  if (check.Check(value)) return undefined;
  const fields: InvalidField[] = [];
  const seen = new Set<string>();
  for (const error of check.Errors(value)) {
    const field = named(fieldOf(error.path));
    // TypeBox reports a bad value once per rule; one line per field is enough.
    if (seen.has(field)) continue;
    seen.add(field);
    fields.push({ in: part, field, message: describe(error, part) });
    if (fields.length === MAX_REPORTED) break;
  }
  if (fields.length === 0) fields.push({ in: part, field: named('(root)'), message: 'is not valid' });
  const where = part === 'body' ? 'the request body' : part === 'query' ? 'the query string' : 'the path';
  const summary = fields.map((f) => `${f.field} ${f.message}`).join('; ');
  return invalidParameters(`Invalid parameters in ${where}: ${summary}.`, fields);
}

/**
 * Fastify's validator compiler for the REST API, on TypeBox's compiler: the same schemas give the
 * types, the checks and the OpenAPI document. A failure becomes Miro's 400 `invalidParameters`
 * naming each bad field; nothing is stripped or silently coerced.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = TypeCompiler.Compile(schema);
  const part = PARTS[httpPart ?? ''] ?? 'body';
  return (data: unknown) => {
    const value = part === 'query' ? coerceQuery(schema, data) : data;
    const error = validationError(check, value, part);
    return error === undefined ? { value } : { error };
  };
};
