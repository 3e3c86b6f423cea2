import { createResourceServer } from './server.js';

// GRANTBOARD_URL, RESOURCE_SERVER_AUDIENCE and PORT, as docs/platform.md registers the API.
const issuer = process.env.GRANTBOARD_URL ?? 'http://localhost:3000';
const audience = process.env.RESOURCE_SERVER_AUDIENCE ?? 'http://localhost:4200/';
const port = Number(process.env.PORT ?? 4200);
const server = await createResourceServer({ issuer, audience, readScope: process.env.READ_SCOPE ?? 'reports:read' });
server.listen(port, () => console.log(`Resource server for ${audience} on http://localhost:${port}/reports`));
