/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The page frame: no scripts at all; the Content-Security-Policy header allows only the inline style. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; }
.card { border: 1px solid #ddd; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
.notice { background: #fff7d6; border-color: #f0d36b; }
button, .button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid #333; background: #333; color: #fff; text-decoration: none; cursor: pointer; }
.secondary { background: #fff; color: #333; }
label { display: block; margin: .5rem 0 .25rem; }
select, input[type=text] { font: inherit; width: 100%; padding: .4rem; box-sizing: border-box; }
dt { font-weight: 600; } dd { margin: 0 0 .5rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}
