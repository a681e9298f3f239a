import type { LocalizedText } from './schemas/survey.js';

/** Interface texts of the respondent-facing pages and emails. English is the fallback for everything. */
const messages = {
  en: {
    required: 'Please answer this question.',
    outOfRange: 'Choose a number from {min} to {max}.',
    chooseOption: 'Choose one of the options.',
    tooLong: 'This answer is too long.',
    invalid: 'This answer is not valid.',
    submit: 'Send my answers',
    saveScore: 'Confirm my score',
    saved: 'Saved',
    saving: 'Saving…',
    saveFailed: 'Could not save. Check your connection and try again.',
    scoreSaved: 'Thank you, your score is saved. Would you like to tell us a little more?',
    fixErrors: 'Some answers need your attention.',
    thanksTitle: 'Thank you!',
    thanksBody: 'We have your answers. If you think of something else, you can change them until this link expires.',
    editAnswers: 'Change my answers',
    unavailableTitle: 'This survey link is not available',
    unavailableBody: 'The link may have expired or the survey may have closed. Thank you for your time.',
    tooManyTitle: 'Please try again later',
    tooManyBody: 'We received too many unknown links from your network. Please open your link again in a few minutes.',
    notLikely: 'Not at all likely',
    veryLikely: 'Extremely likely',
    yes: 'Yes',
    no: 'No',
    other: 'Other',
    otherPlaceholder: 'Please specify',
    optional: 'optional',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeBody: 'Stop receiving surveys from {company} at {email}?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedBody: 'We will not send you any more surveys. Sorry to see you go.',
    emailNpsLead: 'Click a number to answer: one click is all it takes.',
    emailOpenSurvey: 'Open the survey',
    emailUnsubscribe: 'Unsubscribe',
    emailWhy: 'You receive this email because you work with {company}.',
    emailReminderPrefix: 'Reminder: ',
    emailGreeting: 'Hello {name},',
    emailAuditBody: '{owner} would value your view of how we work together. The review takes about ten minutes.',
    emailNpsBody: 'We would like to know how we are doing.',
    emailSignoff: 'Thank you,',
    requiredMark: 'required',
    requiredNote: 'Questions marked * are required.',
    confirmScoreHint: 'Is this your score? Confirm it with the button below.',
    errorPrefix: 'Error: ',
    skipToContent: 'Skip to content',
    sectionOf: 'Section {n} of {total}',
    nextSection: 'Next',
    previousSection: 'Back',
  },
  es: {
    required: 'Por favor, responda a esta pregunta.',
    outOfRange: 'Elija un número del {min} al {max}.',
    chooseOption: 'Elija una de las opciones.',
    tooLong: 'Esta respuesta es demasiado larga.',
    invalid: 'Esta respuesta no es válida.',
    submit: 'Enviar mis respuestas',
    saveScore: 'Confirmar mi puntuación',
    saved: 'Guardado',
    saving: 'Guardando…',
    saveFailed: 'No se pudo guardar. Compruebe su conexión e inténtelo de nuevo.',
    scoreSaved: 'Gracias, hemos guardado su puntuación. ¿Quiere contarnos algo más?',
    fixErrors: 'Algunas respuestas necesitan su atención.',
    thanksTitle: '¡Gracias!',
    thanksBody: 'Hemos recibido sus respuestas. Si se le ocurre algo más, puede cambiarlas hasta que caduque este enlace.',
    editAnswers: 'Cambiar mis respuestas',
    unavailableTitle: 'Este enlace de encuesta no está disponible',
    unavailableBody: 'Puede que el enlace haya caducado o que la encuesta se haya cerrado. Gracias por su tiempo.',
    tooManyTitle: 'Inténtelo de nuevo más tarde',
    tooManyBody: 'Hemos recibido demasiados enlaces desconocidos desde su red. Vuelva a abrir su enlace dentro de unos minutos.',
    notLikely: 'Nada probable',
    veryLikely: 'Muy probable',
    yes: 'Sí',
    no: 'No',
    other: 'Otro',
    otherPlaceholder: 'Especifique',
    optional: 'opcional',
    unsubscribeTitle: 'Darse de baja',
    unsubscribeBody: '¿Dejar de recibir encuestas de {company} en {email}?',
    unsubscribeButton: 'Darme de baja',
    unsubscribedTitle: 'Se ha dado de baja',
    unsubscribedBody: 'No le enviaremos más encuestas. Sentimos que se vaya.',
    emailNpsLead: 'Haga clic en un número para responder: basta con un clic.',
    emailOpenSurvey: 'Abrir la encuesta',
    emailUnsubscribe: 'Darse de baja',
    emailWhy: 'Recibe este correo porque trabaja con {company}.',
    emailReminderPrefix: 'Recordatorio: ',
    emailGreeting: 'Hola, {name}:',
    emailAuditBody: 'A {owner} le gustaría conocer su opinión sobre cómo trabajamos juntos. La revisión dura unos diez minutos.',
    emailNpsBody: 'Nos gustaría saber cómo lo estamos haciendo.',
    emailSignoff: 'Gracias,',
    requiredMark: 'obligatoria',
    requiredNote: 'Las preguntas marcadas con * son obligatorias.',
    confirmScoreHint: '¿Es esta su puntuación? Confírmela con el botón de abajo.',
    errorPrefix: 'Error: ',
    skipToContent: 'Saltar al contenido',
    sectionOf: 'Sección {n} de {total}',
    nextSection: 'Siguiente',
    previousSection: 'Atrás',
  },
} as const;

export type MessageKey = keyof (typeof messages)['en'];
export const supportedLanguages = Object.keys(messages) as (keyof typeof messages)[];

/** The interface language for a BCP 47 tag: exact, then the base language, then English. */
export function uiLanguage(tag: string): keyof typeof messages {
  const lower = tag.toLowerCase();
  if (lower in messages) return lower as keyof typeof messages;
  const base = lower.split('-')[0]!;
  return base in messages ? (base as keyof typeof messages) : 'en';
}

export function t(lang: string, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = messages[uiLanguage(lang)][key] ?? messages.en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** Picks a survey text in the respondent's language, falling back to the base language, then English. */
export function localize(text: LocalizedText, lang: string, vars: Record<string, string> = {}): string {
  const base = lang.split('-')[0]!;
  const chosen = text[lang] ?? text[base] ?? text.en!;
  return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The language a survey will be shown in for a contact. */
export function surveyLanguage(available: string[], contactLanguage: string): string {
  if (available.includes(contactLanguage)) return contactLanguage;
  const base = contactLanguage.split('-')[0]!;
  return available.includes(base) ? base : 'en';
}
