// bench:start's baseline: the smallest @hono/node-server app, started the way `npm start` starts Keypulse
// (npm runs a plain `node` script). Whatever this takes to answer is the floor no real app can go under.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('*', (c) => c.text('hello'));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' });
