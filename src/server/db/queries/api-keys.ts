import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client.js';
import { apiKeys, users } from '../schema/index.js';
import type { ApiKey } from '../../../shared/schemas/auth.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function insertApiKey(
  db: Db,
  values: { name: string; prefix: string; keyHash: string; userId: string; now: Date },
): Promise<ApiKeyRow> {
  const [row] = await db
    .insert(apiKeys)
    .values({ name: values.name, prefix: values.prefix, keyHash: values.keyHash, userId: values.userId, createdAt: values.now })
    .returning();
  return row!;
}

export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

export async function findLiveApiKey(db: Db, keyHash: string) {
  const [row] = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt), eq(users.disabled, false)));
  return row;
}

export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

export async function revokeApiKey(db: Db, id: string, now: Date): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row ?? (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
}
