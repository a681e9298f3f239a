import { describe, expect, it } from 'vitest';
import { decideCrmChange } from '../../src/server/domain/crm-conflict.js';

const t = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes));

describe('who wins when a record linked to HubSpot changed', () => {
  it('nothing to do when HubSpot’s record is as we last read it, even if Keypulse changed it', () => {
    expect(decideCrmChange({ remoteModifiedAt: t(0), lastRemoteModifiedAt: t(0), localUpdatedAt: t(30), localSyncedAt: t(5) })).toBe('unchanged');
  });
  it('HubSpot’s change is applied when Keypulse’s record was not edited since the last sync', () => {
    expect(decideCrmChange({ remoteModifiedAt: t(20), lastRemoteModifiedAt: t(0), localUpdatedAt: t(5), localSyncedAt: t(5) })).toBe('apply');
  });
  it('both changed: the most recent change wins', () => {
    expect(decideCrmChange({ remoteModifiedAt: t(20), lastRemoteModifiedAt: t(0), localUpdatedAt: t(30), localSyncedAt: t(5) })).toBe('keep_local');
    expect(decideCrmChange({ remoteModifiedAt: t(40), lastRemoteModifiedAt: t(0), localUpdatedAt: t(30), localSyncedAt: t(5) })).toBe('apply');
  });
  it('a record never read before takes HubSpot’s values', () => {
    expect(decideCrmChange({ remoteModifiedAt: t(0), lastRemoteModifiedAt: null, localUpdatedAt: t(30), localSyncedAt: null })).toBe('apply');
  });
});
