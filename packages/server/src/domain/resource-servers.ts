import { InvalidTargetError } from './errors.js';

/**
 * The resource servers tokens may be issued for (RFC 8707 audiences). Today the REST API, whose
 * identifier is `PUBLIC_URL`, and the MCP server at `PUBLIC_URL/mcp`; platform resource servers join
 * this list later (ARCHITECTURE.md decision 19). A grant stores its audience as a list of these
 * identifiers; a grant that named none is for the REST API alone, as every Miro app's is.
 */
export interface ResourceServers {
  rest: string;
  mcp: string;
  all: readonly string[];
  /** The audience of a grant that named no resource. */
  default: readonly string[];
  /**
   * The identifiers `resource` values name (RFC 8707 §2: absolute URIs without a fragment), each
   * once, in the order of `all`; `invalid_target` for anything else.
   */
  parse(values: readonly string[]): string[];
}

/** `http://host` and `http://host/` name the same resource: compared by their parsed form. */
function normal(uri: string): string {
  return new URL(uri).href;
}

export function resourceServers(publicUrl: string): ResourceServers {
  const rest = publicUrl;
  const mcp = `${publicUrl}/mcp`;
  const all = [rest, mcp];
  const byNormal = new Map(all.map((uri) => [normal(uri), uri]));
  return {
    rest,
    mcp,
    all,
    default: [rest],
    parse(values) {
      const found = new Set<string>();
      for (const value of values) {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          throw new InvalidTargetError('The resource parameter must be an absolute URI.');
        }
        // RFC 8707 §2: the resource must not include a fragment component.
        if (value.includes('#')) throw new InvalidTargetError('The resource parameter must not contain a fragment.');
        const known = byNormal.get(url.href);
        if (!known) throw new InvalidTargetError(`Unknown resource '${value.slice(0, 200)}'.`);
        found.add(known);
      }
      return all.filter((uri) => found.has(uri));
    },
  };
}
