/** The built-in resource server Miro's scopes belong to (ARCHITECTURE.md decision 19). */
export const BOARDS_API_NAME = 'Boards API';

/**
 * The built-in resource servers tokens may be issued for (RFC 8707 audiences): the REST API (the
 * "Boards API"), whose identifier is `PUBLIC_URL`, and the MCP server at `PUBLIC_URL/mcp`. Registered
 * resource servers join them (domain/resource-server-service.ts). A grant stores its audience as a
 * list of identifiers; a grant that named none is for the REST API alone, as every Miro app's is.
 */
export interface ResourceServers {
  rest: string;
  mcp: string;
  all: readonly string[];
  /** The audience of a grant that named no resource. */
  default: readonly string[];
}

export function resourceServers(publicUrl: string): ResourceServers {
  const rest = publicUrl;
  const mcp = `${publicUrl}/mcp`;
  return { rest, mcp, all: [rest, mcp], default: [rest] };
}
