import { describe, expect, it } from 'vitest';
import { accentOn, contrastRatio, textOnAccent } from '../../src/shared/schemas/settings.js';
import { accentStylesheet, accentStylesheetUrl } from '../../src/server/domain/brand.js';
import { logoBox, sniffImage } from '../../src/server/domain/logo-image.js';
import { thanksText } from '../../src/client/survey/survey-page.js';
// The survey page is handed its respondent's catalogue; the server (and so this test) loads them all.
import '../../src/shared/i18n.js';

// Eight levels of each channel (512 colours, the corners included) and all 256 greys, where white and black
// text come closest to failing.
const hex = (n: number) => Math.round(n).toString(16).padStart(2, '0');
const levels = Array.from({ length: 8 }, (_, i) => hex((i * 255) / 7));
const colours = [
  ...levels.flatMap((r) => levels.flatMap((g) => levels.map((b) => `#${r}${g}${b}`))),
  ...Array.from({ length: 256 }, (_, i) => `#${hex(i)}${hex(i)}${hex(i)}`),
];

describe('accent colours keep text readable (WCAG AA, 4.5:1)', () => {
  it('the text put on any accent is white or black, whichever reads at 4.5:1 or more', () => {
    for (const accent of colours) expect(contrastRatio(accent, textOnAccent(accent)), accent).toBeGreaterThanOrEqual(4.5);
  });

  it('the worst accent for white-or-black text still passes (mid grey #777777 and its neighbours)', () => {
    for (const accent of ['#757575', '#767676', '#777777', '#787878', '#797979']) {
      expect(Math.max(contrastRatio(accent, '#ffffff'), contrastRatio(accent, '#000000'))).toBeGreaterThanOrEqual(4.5);
    }
    // A softer dark (#111) would not: that is why labels on the accent are pure black.
    expect(Math.max(contrastRatio('#777777', '#ffffff'), contrastRatio('#777777', '#111111'))).toBeLessThan(4.5);
  });

  it('links in the accent are darkened on white and lightened on the dark page until they read at 4.5:1', () => {
    for (const accent of colours) {
      expect(contrastRatio(accentOn(accent, '#ffffff'), '#ffffff'), accent).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(accentOn(accent, '#0d1117'), '#0d1117'), accent).toBeGreaterThanOrEqual(4.5);
    }
    // A colour that already passes is kept as it is.
    expect(accentOn('#0b57d0', '#ffffff')).toBe('#0b57d0');
  });

  it('the default accent needs no extra stylesheet; another gets one named by the colour', () => {
    expect(accentStylesheetUrl('#0b57d0')).toBeNull();
    expect(accentStylesheetUrl('#FFD500')).toBe('/brand/accent-ffd500.css');
    expect(accentStylesheet('#ffd500')).toContain('--on-accent:#000000');
  });
});

describe('logo bytes', () => {
  it('refuses what is not a PNG, JPEG or WebP, whatever it claims', () => {
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0]))).toBeNull();
    expect(sniffImage(new Uint8Array(0))).toBeNull();
  });

  it('is drawn at most 200 × 48, aspect kept, never enlarged', () => {
    expect(logoBox({ width: 240, height: 80 }, 200, 48)).toEqual({ width: 144, height: 48 });
    expect(logoBox({ width: 1000, height: 100 }, 200, 48)).toEqual({ width: 200, height: 20 });
    expect(logoBox({ width: 32, height: 32 }, 200, 48)).toEqual({ width: 32, height: 32 });
  });
});

describe('the thank-you heading', () => {
  it('says thanks once, in the respondent\'s language', () => {
    expect(thanksText('Thank you. Your account team reads every answer.', 'en')).toEqual({ heading: 'Thank you!', lead: 'Your account team reads every answer.' });
    expect(thanksText('Thank you for your time. We will follow up.', 'en')).toEqual({ heading: 'Thank you for your time.', lead: 'We will follow up.' });
    expect(thanksText('Gracias. Su equipo de cuenta lee todas las respuestas.', 'es')).toEqual({ heading: '¡Gracias!', lead: 'Su equipo de cuenta lee todas las respuestas.' });
    expect(thanksText('We read every answer.', 'en')).toEqual({ heading: 'Thank you!', lead: 'We read every answer.' });
    expect(thanksText(null, 'es')).toEqual({ heading: '¡Gracias!', lead: null });
    // "Thanksgiving…" does not count as thanking.
    expect(thanksText('Thank youngsters everywhere.', 'en').heading).toBe('Thank you!');
  });
});
