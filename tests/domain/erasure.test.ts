import { describe, expect, it } from 'vitest';
import { anonymizeAnswers, redact, redactJson, secretsOf, wordsOf } from '../../src/server/domain/erasure.js';

describe('erasing answers', () => {
  const answers = {
    nps: 4,
    reason: 'Too slow',
    renew: false,
    channels: { selected: ['email', 'phone'], other: 'carrier pigeon' },
    only_other: { selected: [], other: 'my own words' },
    skipped: null,
  };

  it('keeps scores, yes/no and chosen options; a written answer becomes null, so the response still counts', () => {
    expect(anonymizeAnswers(answers)).toEqual({
      nps: 4,
      reason: null,
      renew: false,
      channels: { selected: ['email', 'phone'] },
      only_other: null,
      skipped: null,
    });
  });

  it('finds every word the person wrote', () => {
    expect(wordsOf(answers)).toEqual(['Too slow', 'carrier pigeon', 'my own words']);
  });
});

describe('redacting copied text', () => {
  it('replaces whole names, addresses and quotes, whatever the letter case, and nothing inside longer words', () => {
    const secrets = secretsOf(['Ann Lee', 'ann.lee@x.example', 'Ann']);
    expect(redact('Call ANN LEE (ann.lee@x.example) about the Annual plan; Ann agreed', secrets)).toBe(
      'Call [erased] ([erased]) about the Annual plan; [erased] agreed',
    );
    expect(redact(null, secrets)).toBeNull();
    expect(redact('nothing to see', [])).toBe('nothing to see');
  });

  it('finds a quote as an HTML email holds it: escaped, line by line and with line breaks as <br>', () => {
    const secrets = secretsOf(["It's slow & late\nand nobody calls"]);
    expect(redact('<p>It&#39;s slow &amp; late<br>and nobody calls</p>', secrets)).toBe('<p>[erased]</p>');
    expect(redact('<p>“It&#39;s slow &amp; late”</p><p>and nobody calls</p>', secrets)).toBe('<p>“[erased]”</p><p>[erased]</p>');
    expect(redact("You said:\n> It's slow & late\n> and nobody calls", secrets)).toBe('You said:\n> [erased]\n> [erased]');
  });

  it('ignores text with no letter or digit, and reaches strings inside JSON', () => {
    expect(secretsOf(['  ', '—', '...'])).toEqual([]);
    expect(redactJson({ a: ['Paired with Ann Lee'], b: 3, c: null }, secretsOf(['Ann Lee']))).toEqual({ a: ['Paired with [erased]'], b: 3, c: null });
  });
});
