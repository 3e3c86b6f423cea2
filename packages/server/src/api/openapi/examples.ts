type Json = Record<string, unknown>;

const MAX_DEPTH = 6;

/**
 * An example value for a schema of the OpenAPI document, for the reference page: `$ref`s resolved
 * against `components.schemas`, each value from the schema's own `examples`, `default`, `const` or
 * `enum` when it has one, otherwise a plain value of its type. A schema that refers to itself stops
 * after a few levels.
 */
export function exampleOf(schema: Json | undefined, schemas: Record<string, Json>, depth = 0): unknown {
  if (!schema || depth > MAX_DEPTH) return undefined;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    return exampleOf(schemas[ref.replace('#/components/schemas/', '')], schemas, depth + 1);
  }
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const options = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (Array.isArray(options)) {
    // The first option that is not `null` shows the shape best.
    const option = options.find((o) => o.type !== 'null') ?? options[0];
    return exampleOf(option, schemas, depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    return Object.assign({}, ...(schema.allOf as Json[]).map((part) => exampleOf(part, schemas, depth + 1)));
  }
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Json>;
      const out: Json = {};
      for (const [name, sub] of Object.entries(properties)) {
        const value = exampleOf(sub, schemas, depth + 1);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'array': {
      const item = exampleOf(schema.items as Json | undefined, schemas, depth + 1);
      return item === undefined ? [] : [item];
    }
    case 'string':
      return stringExample(schema);
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return undefined;
  }
}

function stringExample(schema: Json): string {
  switch (schema.format) {
    case 'date-time':
      return '2026-11-29T12:00:00.000Z';
    case 'uri':
      return 'https://example.com';
    case 'email':
      return 'user@example.com';
    default:
      return 'string';
  }
}
