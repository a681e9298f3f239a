import { and, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { apiKeys, users } from '../schema/index.js';
import type { ApiKey, ApiKeyScope } from '../../../shared/schemas/auth.js';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export async function insertApiKey(
  db: Db,
  values: { name: string; prefix: string; keyHash: string; userId: string; scope: ApiKeyScope; expiresAt?: Date | null; now: Date },
): Promise<ApiKeyRow> {
  const [row] = await db
    .insert(apiKeys)
    .values({
      name: values.name,
      prefix: values.prefix,
      keyHash: values.keyHash,
      userId: values.userId,
      scope: values.scope,
      expiresAt: values.expiresAt ?? null,
      createdAt: values.now,
    })
    .returning();
  return row!;
}

export async function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
}

/** The key with this hash and its user, unless it is revoked, expired or its user disabled. */
export async function findLiveApiKey(db: Db, keyHash: string, now: Date) {
  const [row] = await db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(
      and(
        eq(apiKeys.keyHash, keyHash),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
        eq(users.disabled, false),
      ),
    );
  return row;
}

/** When a key that would otherwise work expired, so its caller learns why it is refused. */
export async function findExpiredApiKey(db: Db, keyHash: string, now: Date): Promise<Date | undefined> {
  const [row] = await db
    .select({ expiresAt: apiKeys.expiresAt })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt), lte(apiKeys.expiresAt, now), eq(users.disabled, false)));
  return row?.expiresAt ?? undefined;
}

export async function touchApiKey(db: Db, id: string, now: Date): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id));
}

/** Revokes the key; `revoked` says whether this call did it (false: it was revoked before). */
export async function revokeApiKey(db: Db, id: string, now: Date): Promise<{ row: ApiKeyRow; revoked: boolean } | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  if (row) return { row, revoked: true };
  const [earlier] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return earlier && { row: earlier, revoked: false };
}
