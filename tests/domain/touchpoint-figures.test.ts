import { describe, expect, it } from 'vitest';
import { touchFigures, yearBefore } from '../../src/server/domain/touchpoints.js';
import { parseTouchpointImport, touchpointKey } from '../../src/server/domain/touchpoint-import.js';
import { ImportFileError } from '../../src/server/domain/csv-import.js';

describe('touchFigures (program evaluation)', () => {
  const half = { from: '2026-07-01', to: '2026-12-31' };
  const social = { from: '2025-12-07', to: '2026-12-06' };
  const t = (accountId: string, occurredOn: string, kind: string, executive: boolean) => ({ accountId, occurredOn, kind, executive });

  it('counts touches and executive-level touches within the half, both ends included, and the latest social event of the twelve months', () => {
    const figures = touchFigures(
      ['a', 'b', 'c'],
      [
        t('a', '2026-07-01', 'meeting', true),
        t('a', '2026-09-10', 'call', false),
        t('a', '2026-12-31', 'qbr', true),
        t('a', '2026-06-30', 'qbr', true), // the half before
        t('a', '2026-01-15', 'social_event', false),
        t('a', '2026-03-15', 'social_event', false),
        t('b', '2025-12-06', 'social_event', true), // a day too early
        t('b', '2025-12-07', 'call', true), // not a social event
        t('x', '2026-08-01', 'social_event', true), // not a key account of this report
      ],
      half,
      social,
    );
    expect(Object.fromEntries(figures)).toEqual({
      a: { touches: 3, executive: 2, lastExecutiveOn: '2026-12-31', socialEventOn: '2026-03-15' },
      b: { touches: 0, executive: 0, lastExecutiveOn: null, socialEventOn: null },
      c: { touches: 0, executive: 0, lastExecutiveOn: null, socialEventOn: null },
    });
  });

  it('takes the twelve months ending on a day', () => {
    expect(yearBefore('2026-12-06')).toBe('2025-12-07');
    expect(yearBefore('2026-03-02')).toBe('2025-03-03');
    expect(yearBefore('2025-12-31')).toBe('2025-01-01');
  });
});

describe('parseTouchpointImport', () => {
  it('reads kinds and address lists as spreadsheets write them', () => {
    const rows = parseTouchpointImport('Account,Date,Type,Contacts,Our people,Notes\nAcme,2026-02-01,Email thread," A@x.example ; b@x.example;a@x.example",,\nAcme,2026-02-02,email,,,\n');
    expect(rows).toEqual([
      { line: 2, ok: true, value: { account: 'Acme', date: '2026-02-01', kind: 'email_thread', theirPeople: ['a@x.example', 'b@x.example'], ourPeople: [], notes: null } },
      { line: 3, ok: true, value: { account: 'Acme', date: '2026-02-02', kind: 'email_thread', theirPeople: [], ourPeople: [], notes: null } },
    ]);
  });

  it('names the column and the bad address of a bad row', () => {
    const [row] = parseTouchpointImport('account,date,kind,their people\n,2026-02-30,dinner,ok@x.example;oops\n');
    expect(row).toMatchObject({ line: 2, ok: false });
    expect(row!.ok === false && row!.errors.map((e) => e.column)).toEqual(['account', 'date', 'kind', 'their people']);
    expect(row!.ok === false && row!.errors[3]!.message).toBe('"oops" must be a valid email address');
  });

  it('refuses a file without the required columns', () => {
    expect(() => parseTouchpointImport('account,date\nAcme,2026-02-01\n')).toThrow(ImportFileError);
  });

  it('keys a touchpoint by account, day, kind and the people on both sides, in any order', () => {
    const base = { accountId: 'a', occurredOn: '2026-02-01', kind: 'call' };
    expect(touchpointKey({ ...base, contactIds: ['c2', 'c1'], userIds: ['u1'] })).toBe(touchpointKey({ ...base, contactIds: ['c1', 'c2'], userIds: ['u1'] }));
    expect(touchpointKey({ ...base, contactIds: ['c1'], userIds: [] })).not.toBe(touchpointKey({ ...base, contactIds: ['c1'], userIds: ['u1'] }));
  });
});
