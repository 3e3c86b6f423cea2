/** Absolute links under the configured public URL; ids are percent-encoded as path segments. */
export function apiLinks(publicUrl: string) {
  const board = (id: string) => `${publicUrl}/v2/boards/${encodeURIComponent(id)}`;
  return {
    board,
    boardView: (id: string) => `${publicUrl}/app/board/${encodeURIComponent(id)}/`,
    boardPath: (id: string, rest: string) => `${board(id)}/${rest}`,
    /** `path?query` with the parameters that are set, in order. */
    withQuery(path: string, query: Record<string, string | number | undefined>): string {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
      const search = params.toString();
      return `${publicUrl}${path}${search ? `?${search}` : ''}`;
    },
  };
}

export type ApiLinks = ReturnType<typeof apiLinks>;

export const iso = (ms: number): string => new Date(ms).toISOString();
