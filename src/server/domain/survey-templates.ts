import type { Question, SurveyDefinition } from '../../shared/schemas/survey.js';

/** The NPS question; `{company}` is replaced with KEYPULSE_COMPANY_NAME when shown. */
export const npsQuestion: Question = {
  key: 'nps',
  kind: 'nps',
  required: true,
  text: {
    en: 'How likely is it that you would recommend {company} to a friend or colleague?',
    es: '¿Qué probabilidad hay de que recomiende {company} a un amigo o colega?',
  },
};

const reasonQuestion: Question = {
  key: 'reason',
  kind: 'text',
  long: true,
  required: false,
  text: { en: 'What is the main reason for your score?', es: '¿Cuál es el motivo principal de su puntuación?' },
};

export const npsTemplate: SurveyDefinition = {
  title: { en: 'How are we doing?', es: '¿Cómo lo estamos haciendo?' },
  thanks: {
    en: 'Thank you. Your account team reads every answer.',
    es: 'Gracias. Su equipo de cuenta lee todas las respuestas.',
  },
  questions: [npsQuestion, reasonQuestion],
};

const longText = (key: string, en: string, es: string, heading?: { en: string; es: string }): Question => ({
  key,
  kind: 'text',
  long: true,
  required: false,
  text: { en, es },
  ...(heading ? { heading } : {}),
});

/** The annual key-account audit: a face-to-face-style review of the past and present, then the future. */
export const auditTemplate: SurveyDefinition = {
  title: { en: 'Key account review', es: 'Revisión de cuenta clave' },
  intro: {
    en: 'Our yearly review of how we work together. Your honest view helps us decide what to change.',
    es: 'Nuestra revisión anual de cómo trabajamos juntos. Su opinión sincera nos ayuda a decidir qué cambiar.',
  },
  thanks: {
    en: 'Thank you for your time. Your account manager will follow up on what you told us.',
    es: 'Gracias por su tiempo. Su gestor de cuenta hará seguimiento de lo que nos ha contado.',
  },
  questions: [
    longText('meets_expectations', 'Where do we meet your expectations?', '¿En qué cumplimos sus expectativas?', {
      en: 'Past and present',
      es: 'Pasado y presente',
    }),
    longText('exceeds_expectations', 'Where do we exceed them?', '¿En qué las superamos?'),
    longText('falls_short', 'Where do we fall short?', '¿En qué nos quedamos cortos?'),
    longText('unresolved_issues', 'Are there issues that are still unresolved?', '¿Hay problemas que sigan sin resolverse?'),
    longText(
      'compare_suppliers',
      'How do we compare with your other suppliers?',
      '¿Cómo nos comparamos con sus otros proveedores?',
    ),
    longText('how_measured', 'How do you measure our performance?', '¿Cómo miden nuestro desempeño?'),
    {
      key: 'one_sentence',
      kind: 'text',
      long: false,
      required: false,
      text: { en: 'Describe us in one sentence.', es: 'Descríbanos en una frase.' },
    },
    {
      key: 'marks',
      kind: 'rating',
      min: 1,
      max: 10,
      required: true,
      text: {
        en: 'Overall, what marks out of ten would you give us?',
        es: 'En general, ¿qué nota del 1 al 10 nos daría?',
      },
    },
    {
      key: 'supplier_or_partner',
      kind: 'choice',
      multiple: false,
      allowOther: false,
      required: true,
      text: {
        en: 'Do you see us more as a supplier or as a partner?',
        es: '¿Nos ve más como un proveedor o como un socio?',
      },
      options: [
        { value: 'supplier', label: { en: 'A supplier', es: 'Un proveedor' } },
        { value: 'partner', label: { en: 'A partner', es: 'Un socio' } },
      ],
    },
    longText('business_changing', 'How is your business changing?', '¿Cómo está cambiando su negocio?', {
      en: 'The future',
      es: 'El futuro',
    }),
    longText('pressures_ahead', 'What pressures do you see ahead?', '¿Qué presiones ve en el horizonte?'),
    longText(
      'main_objectives',
      'What are your main objectives, and how will you reach them?',
      '¿Cuáles son sus principales objetivos y cómo los alcanzará?',
    ),
    longText('how_we_help', 'How could we help?', '¿Cómo podríamos ayudar?'),
    longText('more_value', 'Where could we add more value?', '¿Dónde podríamos aportar más valor?'),
    longText('not_doing_today', 'What could we do that we do not do today?', '¿Qué podríamos hacer que hoy no hacemos?'),
    longText(
      'more_business',
      'Where would you welcome more of our business?',
      '¿En qué áreas le gustaría trabajar más con nosotros?',
    ),
    { ...npsQuestion, heading: { en: 'Recommendation', es: 'Recomendación' } },
  ],
};

export const builtInTemplates = [
  { templateKey: 'nps', name: 'NPS', kind: 'nps' as const, definition: npsTemplate },
  { templateKey: 'audit', name: 'Key-account audit', kind: 'audit' as const, definition: auditTemplate },
];

/** Languages every text of the survey is available in. */
export function surveyLanguages(definition: SurveyDefinition): string[] {
  const texts = [definition.title, ...definition.questions.map((q) => q.text)];
  const first = Object.keys(texts[0]!);
  return first.filter((lang) => texts.every((text) => lang in text)).sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}
