import { describe, expect, it } from 'vitest';
import { guessLanguage, otherLanguageThan } from '../../src/shared/language-guess.js';

describe('guessing the language of a resolution', () => {
  it('tells the survey languages apart from one or two sentences', () => {
    expect(guessLanguage('We fixed the invoices and called your finance team to explain what went wrong.')).toBe('en');
    expect(guessLanguage('Hemos corregido las facturas y llamamos a su equipo de finanzas para explicar el error.')).toBe('es');
    expect(guessLanguage('Wir haben die Rechnungen korrigiert und mit Ihrer Buchhaltung gesprochen.')).toBe('de');
    expect(guessLanguage('Nous avons corrigé les factures et appelé votre équipe financière.')).toBe('fr');
  });

  it('says nothing when the text is too short or unclear', () => {
    expect(guessLanguage('Fixed.')).toBeNull();
    expect(guessLanguage('Invoice INV-2041 credited')).toBeNull();
    expect(guessLanguage('')).toBeNull();
  });

  it('warns only when the resolution is in another language than the customer’s', () => {
    const english = 'We fixed the invoices and called your finance team.';
    expect(otherLanguageThan(english, 'es')).toBe('en');
    expect(otherLanguageThan(english, 'en-GB')).toBeNull();
    expect(otherLanguageThan('Hemos corregido las facturas y llamamos a su equipo.', 'es-MX')).toBeNull();
    expect(otherLanguageThan('Hemos corregido las facturas y llamamos a su equipo.', 'en')).toBe('es');
    expect(otherLanguageThan(english, 'ja')).toBeNull(); // a language we cannot tell: no false alarm
    expect(otherLanguageThan('Done.', 'es')).toBeNull();
  });
});
