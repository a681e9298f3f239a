import { describe, expect, it } from 'vitest';
import { catalogues, supportedLanguages, t, uiLanguage } from '../../src/shared/i18n.js';
import { en } from '../../src/shared/i18n/en.js';
import { pageMessages } from '../../src/shared/i18n/core.js';
import { respondentLanguages } from '../../src/shared/i18n/languages.js';
import { auditTemplate, builtInTemplates, npsTemplate, surveyLanguages, withNewLanguages } from '../../src/server/domain/survey-templates.js';
import { renderSurveyInvitation } from '../../src/server/email/templates.js';
import { renderLoopClosed } from '../../src/server/email/notification-templates.js';
import type { SurveyDefinition } from '../../src/shared/schemas/survey.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const referenceKeys = Object.keys(en).sort();
const others = Object.entries(catalogues).filter(([lang]) => lang !== 'en');

describe('the message catalogues', () => {
  it('are the seven respondent languages, English first, the same list the workspace offers', () => {
    expect(supportedLanguages).toEqual(['en', 'es', 'fr', 'de', 'pt', 'nl', 'it']);
    expect([...respondentLanguages]).toEqual(supportedLanguages);
  });

  it.each(others)('%s has exactly the English keys: none missing, none extra', (_lang, messages) => {
    const keys = Object.keys(messages).sort();
    expect(referenceKeys.filter((k) => !keys.includes(k)), 'missing keys').toEqual([]);
    expect(keys.filter((k) => !referenceKeys.includes(k)), 'extra keys').toEqual([]);
  });

  it.each(others)('%s keeps every {placeholder} of the English text, and adds none', (_lang, messages) => {
    const wrong = Object.entries(messages).filter(([key, text]) => placeholders(text).join() !== placeholders(en[key as keyof typeof en]).join());
    expect(wrong.map(([key]) => key)).toEqual([]);
  });

  it.each(others)('%s has no empty text and is not English left untranslated', (_lang, messages) => {
    expect(Object.entries(messages).filter(([, text]) => !text.trim())).toEqual([]);
    // A few texts may rightly read the same (No, optional, {title} – {company}); most must not.
    const same = Object.entries(messages).filter(([key, text]) => text === en[key as keyof typeof en]);
    expect(same.length).toBeLessThan(6);
  });

  it('the check would catch a catalogue missing a key or with a wrong placeholder', () => {
    const { thanksTitle: _dropped, ...missing } = catalogues.fr;
    expect(referenceKeys.filter((k) => !Object.keys(missing).includes(k))).toEqual(['thanksTitle']);
    expect(placeholders('Sezione {n} di {totale}').join()).not.toBe(placeholders(en.sectionOf).join());
  });

  it('picks the base language of a regional tag, and English for a language it does not have', () => {
    expect(uiLanguage('fr-CA')).toBe('fr');
    expect(uiLanguage('pt-BR')).toBe('pt');
    expect(uiLanguage('ja')).toBe('en');
    expect(t('de-AT', 'submit')).toBe('Antworten senden');
    expect(t('nl', 'sectionOf', { n: 2, total: 3 })).toBe('Deel 2 van 3');
  });

  it("the survey page gets one catalogue, without the emails' texts", () => {
    const { lang, messages } = pageMessages('it-CH');
    expect(lang).toBe('it');
    expect(messages.submit).toBe('Invia le mie risposte');
    expect(Object.keys(messages).filter((k) => k.startsWith('email') || k.startsWith('loop'))).toEqual([]);
    expect(Object.keys(messages).length).toBeGreaterThan(30);
  });
});

describe('the built-in templates', () => {
  it.each(builtInTemplates.map((b) => [b.templateKey, b.definition] as const))('%s has every text in every respondent language', (_key, definition) => {
    expect(surveyLanguages(definition)).toEqual(['en', ...[...supportedLanguages].filter((l) => l !== 'en').sort()]);
    // Every localized text, not only titles and questions: intro, thanks, headings, options.
    const missing: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (typeof value !== 'object' || value === null) return;
      const record = value as Record<string, unknown>;
      if (typeof record.en === 'string') {
        for (const lang of supportedLanguages) if (typeof record[lang] !== 'string' || !(record[lang] as string).trim()) missing.push(`${path}.${lang}`);
        for (const lang of supportedLanguages) if (placeholders(record[lang] as string).join() !== placeholders(record.en).join()) missing.push(`${path}.${lang} {}`);
        return;
      }
      for (const [k, v] of Object.entries(record)) walk(v, `${path}.${k}`);
    };
    walk(definition, '');
    expect(missing).toEqual([]);
  });

  it('an earlier release stored in English and Spanish gains the new languages, keeping its own wording', () => {
    const strip = (d: SurveyDefinition): SurveyDefinition =>
      JSON.parse(JSON.stringify(d), (_k, v) => (v && typeof v === 'object' && typeof v.en === 'string' ? { en: v.en, es: v.es } : v));
    const old = strip(npsTemplate);
    old.title = { en: 'How are we doing, really?', es: '¿Cómo lo estamos haciendo?' };
    const upgraded = withNewLanguages(old, npsTemplate)!;
    expect(surveyLanguages(upgraded)).toEqual(surveyLanguages(npsTemplate));
    expect(upgraded.title.en).toBe('How are we doing, really?');
    expect(upgraded.title.fr).toBe(npsTemplate.title.fr);
    expect(withNewLanguages(upgraded, npsTemplate)).toBeNull();
    // Questions that are no longer the built-in ones: left alone.
    expect(withNewLanguages({ ...old, questions: old.questions.slice(0, 1) }, npsTemplate)).toBeNull();
    expect(withNewLanguages(strip(auditTemplate), auditTemplate)).toEqual(auditTemplate);
  });
});

describe('the emails in every language', () => {
  const base = {
    contactName: 'Ana',
    ownerName: 'Olivia Owner',
    companyName: 'Acme',
    surveyTitle: 'T',
    npsQuestion: null,
    surveyUrl: 'https://kp.example/s/abc',
    unsubscribeUrl: 'https://kp.example/u/abc',
  };

  it.each(supportedLanguages)('%s: invitation, reminder and closing-the-loop email speak the language', (lang) => {
    const invitation = renderSurveyInvitation({ ...base, lang, surveyKind: 'nps', reminder: false });
    expect(invitation.subject).toBe(t(lang, 'emailSubjectNps', { company: 'Acme' }));
    expect(invitation.text).toContain(t(lang, 'emailNpsQuestion', { company: 'Acme' }));
    expect(invitation.html).toContain(`<html lang="${lang}"`);
    const reminder = renderSurveyInvitation({ ...base, lang, surveyKind: 'audit', reminder: true });
    expect(reminder.subject.startsWith(t(lang, 'emailReminderPrefix'))).toBe(true);
    expect(reminder.text).toContain(t(lang, 'emailReminderLead'));
    expect(reminder.text).toContain(t(lang, 'emailAuditBody', { owner: 'Olivia Owner' }));
    const loop = renderLoopClosed({ ...base, lang, quote: 'q', resolution: 'r' });
    expect(loop.subject).toBe(t(lang, 'loopSubject', { company: 'Acme' }));
    expect(loop.text).toContain(t(lang, 'loopWeDid'));
    if (lang !== 'en') {
      for (const english of ['Hello', 'Thank you', 'Unsubscribe', 'What we did']) {
        expect(invitation.text + reminder.text + loop.text).not.toContain(english);
      }
    }
  });
});
