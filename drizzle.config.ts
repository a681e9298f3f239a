import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this: migrations are plain SQL, applied by the app itself.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/server/db/schema/index.ts',
  out: './drizzle',
});
