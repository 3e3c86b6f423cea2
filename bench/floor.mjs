// The floor of bench/round-trip.mjs: a bare Fastify hello server, logger off.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => 'hello');
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
console.log('READY floor');
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
