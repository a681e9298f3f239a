import type { LocalizedText, Question, SurveyDefinition } from '../../shared/schemas/survey.js';

/**
 * The built-in templates' texts in every respondent language (src/shared/i18n/): English, Spanish, French,
 * German, Portuguese, Dutch, Italian, in the same formal register as the interface texts. A language added to
 * the catalogues needs its texts here too (tests/domain/i18n-catalogues.test.ts checks).
 */

/** The NPS question; `{company}` is replaced with KEYPULSE_COMPANY_NAME when shown. */
export const npsQuestion: Question = {
  key: 'nps',
  kind: 'nps',
  required: true,
  text: {
    en: 'How likely is it that you would recommend {company} to a friend or colleague?',
    es: '¿Qué probabilidad hay de que recomiende {company} a un amigo o colega?',
    fr: 'Quelle est la probabilité que vous recommandiez {company} à un ami ou à un collègue ?',
    de: 'Wie wahrscheinlich ist es, dass Sie {company} einem Freund oder Kollegen weiterempfehlen?',
    pt: 'Qual é a probabilidade de você recomendar {company} a um amigo ou colega?',
    nl: 'Hoe waarschijnlijk is het dat u {company} zou aanbevelen aan een vriend of collega?',
    it: 'Con quale probabilità consiglierebbe {company} a un amico o a un collega?',
  },
};

const reasonQuestion: Question = {
  key: 'reason',
  kind: 'text',
  long: true,
  required: false,
  text: {
    en: 'What is the main reason for your score?',
    es: '¿Cuál es el motivo principal de su puntuación?',
    fr: 'Quelle est la principale raison de votre note ?',
    de: 'Was ist der wichtigste Grund für Ihre Bewertung?',
    pt: 'Qual é o principal motivo da sua nota?',
    nl: 'Wat is de belangrijkste reden voor uw score?',
    it: 'Qual è il motivo principale del Suo punteggio?',
  },
};

export const npsTemplate: SurveyDefinition = {
  title: {
    en: 'How are we doing?',
    es: '¿Cómo lo estamos haciendo?',
    fr: 'Comment jugez-vous notre travail ?',
    de: 'Wie zufrieden sind Sie mit uns?',
    pt: 'Como estamos nos saindo?',
    nl: 'Hoe doen wij het?',
    it: 'Come valuta il nostro lavoro?',
  },
  thanks: {
    en: 'Thank you. Your account team reads every answer.',
    es: 'Gracias. Su equipo de cuenta lee todas las respuestas.',
    fr: 'Merci. L’équipe qui suit votre compte lit chaque réponse.',
    de: 'Vielen Dank. Ihr Kundenteam liest jede Antwort.',
    pt: 'Obrigado. Sua equipe de atendimento lê todas as respostas.',
    nl: 'Hartelijk dank. Uw accountteam leest elk antwoord.',
    it: 'Grazie. Il team che segue il Suo account legge ogni risposta.',
  },
  questions: [npsQuestion, reasonQuestion],
};

/** A text in the seven languages, in the order en, es, fr, de, pt, nl, it. */
const texts = (en: string, es: string, fr: string, de: string, pt: string, nl: string, it: string): LocalizedText => ({ en, es, fr, de, pt, nl, it });

const longText = (key: string, text: LocalizedText, heading?: LocalizedText): Question => ({
  key,
  kind: 'text',
  long: true,
  required: false,
  text,
  ...(heading ? { heading } : {}),
});

/** The annual key-account audit: a face-to-face-style review of the past and present, then the future. */
export const auditTemplate: SurveyDefinition = {
  title: texts(
    'Key account review',
    'Revisión de cuenta clave',
    'Bilan grand compte',
    'Key-Account-Review',
    'Avaliação de conta-chave',
    'Evaluatie key account',
    'Revisione del cliente chiave',
  ),
  intro: texts(
    'Our yearly review of how we work together. Your honest view helps us decide what to change.',
    'Nuestra revisión anual de cómo trabajamos juntos. Su opinión sincera nos ayuda a decidir qué cambiar.',
    'Notre bilan annuel de notre collaboration. Votre avis sincère nous aide à décider de ce qu’il faut changer.',
    'Unser jährlicher Rückblick auf unsere Zusammenarbeit. Ihre offene Meinung hilft uns zu entscheiden, was wir ändern sollten.',
    'Nossa avaliação anual de como trabalhamos juntos. Sua opinião sincera nos ajuda a decidir o que mudar.',
    'Onze jaarlijkse evaluatie van onze samenwerking. Uw eerlijke mening helpt ons te bepalen wat wij moeten veranderen.',
    'La nostra revisione annuale di come lavoriamo insieme. La Sua opinione sincera ci aiuta a decidere che cosa cambiare.',
  ),
  thanks: texts(
    'Thank you for your time. Your account manager will follow up on what you told us.',
    'Gracias por su tiempo. Su gestor de cuenta hará seguimiento de lo que nos ha contado.',
    'Merci pour votre temps. Votre responsable de compte donnera suite à ce que vous nous avez dit.',
    'Vielen Dank für Ihre Zeit. Ihr Key-Account-Manager wird sich um Ihre Anmerkungen kümmern.',
    'Obrigado pelo seu tempo. Seu gerente de contas dará retorno sobre o que você nos contou.',
    'Hartelijk dank voor uw tijd. Uw accountmanager gaat aan de slag met wat u ons hebt verteld.',
    'Grazie per il Suo tempo. Il Suo account manager darà seguito a quanto ci ha detto.',
  ),
  questions: [
    longText(
      'meets_expectations',
      texts(
        'Where do we meet your expectations?',
        '¿En qué cumplimos sus expectativas?',
        'Sur quels points répondons-nous à vos attentes ?',
        'Wo erfüllen wir Ihre Erwartungen?',
        'Em que pontos atendemos às suas expectativas?',
        'Waar voldoen wij aan uw verwachtingen?',
        'In che cosa soddisfiamo le Sue aspettative?',
      ),
      texts('Past and present', 'Pasado y presente', 'Passé et présent', 'Vergangenheit und Gegenwart', 'Passado e presente', 'Verleden en heden', 'Passato e presente'),
    ),
    longText(
      'exceeds_expectations',
      texts(
        'Where do we exceed them?',
        '¿En qué las superamos?',
        'Sur quels points les dépassons-nous ?',
        'Wo übertreffen wir sie?',
        'Em que pontos as superamos?',
        'Waar overtreffen wij ze?',
        'In che cosa le superiamo?',
      ),
    ),
    longText(
      'falls_short',
      texts(
        'Where do we fall short?',
        '¿En qué nos quedamos cortos?',
        'Sur quels points sommes-nous en deçà ?',
        'Wo bleiben wir hinter Ihren Erwartungen zurück?',
        'Em que pontos deixamos a desejar?',
        'Waar schieten wij tekort?',
        'In che cosa siamo carenti?',
      ),
    ),
    longText(
      'unresolved_issues',
      texts(
        'Are there issues that are still unresolved?',
        '¿Hay problemas que sigan sin resolverse?',
        'Reste-t-il des problèmes non résolus ?',
        'Gibt es Probleme, die noch ungelöst sind?',
        'Há problemas que ainda não foram resolvidos?',
        'Zijn er problemen die nog niet zijn opgelost?',
        'Ci sono problemi ancora irrisolti?',
      ),
    ),
    longText(
      'compare_suppliers',
      texts(
        'How do we compare with your other suppliers?',
        '¿Cómo nos comparamos con sus otros proveedores?',
        'Comment nous situons-nous par rapport à vos autres fournisseurs ?',
        'Wie schneiden wir im Vergleich zu Ihren anderen Lieferanten ab?',
        'Como nos comparamos aos seus outros fornecedores?',
        'Hoe verhouden wij ons tot uw andere leveranciers?',
        'Come ci collochiamo rispetto agli altri Suoi fornitori?',
      ),
    ),
    longText(
      'how_measured',
      texts(
        'How do you measure our performance?',
        '¿Cómo miden nuestro desempeño?',
        'Comment mesurez-vous notre performance ?',
        'Wie messen Sie unsere Leistung?',
        'Como vocês medem o nosso desempenho?',
        'Hoe meet u onze prestaties?',
        'Come misurate le nostre prestazioni?',
      ),
    ),
    {
      key: 'one_sentence',
      kind: 'text',
      long: false,
      required: false,
      text: texts(
        'Describe us in one sentence.',
        'Descríbanos en una frase.',
        'Décrivez-nous en une phrase.',
        'Beschreiben Sie uns in einem Satz.',
        'Descreva-nos em uma frase.',
        'Beschrijf ons in één zin.',
        'Ci descriva in una frase.',
      ),
    },
    {
      key: 'marks',
      kind: 'rating',
      min: 1,
      max: 10,
      required: true,
      text: texts(
        'Overall, what marks out of ten would you give us?',
        'En general, ¿qué nota del 1 al 10 nos daría?',
        'Dans l’ensemble, quelle note sur dix nous donneriez-vous ?',
        'Welche Note von 1 bis 10 würden Sie uns insgesamt geben?',
        'De modo geral, que nota de 1 a 10 você nos daria?',
        'Welk rapportcijfer van 1 tot 10 geeft u ons over het geheel genomen?',
        'Nel complesso, che voto da 1 a 10 ci darebbe?',
      ),
    },
    {
      key: 'supplier_or_partner',
      kind: 'choice',
      multiple: false,
      allowOther: false,
      required: true,
      text: texts(
        'Do you see us more as a supplier or as a partner?',
        '¿Nos ve más como un proveedor o como un socio?',
        'Nous voyez-vous plutôt comme un fournisseur ou comme un partenaire ?',
        'Sehen Sie uns eher als Lieferanten oder als Partner?',
        'Você nos vê mais como um fornecedor ou como um parceiro?',
        'Ziet u ons eerder als leverancier of als partner?',
        'Ci vede più come un fornitore o come un partner?',
      ),
      options: [
        { value: 'supplier', label: texts('A supplier', 'Un proveedor', 'Un fournisseur', 'Als Lieferanten', 'Um fornecedor', 'Als leverancier', 'Un fornitore') },
        { value: 'partner', label: texts('A partner', 'Un socio', 'Un partenaire', 'Als Partner', 'Um parceiro', 'Als partner', 'Un partner') },
      ],
    },
    longText(
      'business_changing',
      texts(
        'How is your business changing?',
        '¿Cómo está cambiando su negocio?',
        'Comment votre activité évolue-t-elle ?',
        'Wie verändert sich Ihr Geschäft?',
        'Como o seu negócio está mudando?',
        'Hoe verandert uw bedrijf?',
        'Come sta cambiando la Sua attività?',
      ),
      texts('The future', 'El futuro', 'L’avenir', 'Die Zukunft', 'O futuro', 'De toekomst', 'Il futuro'),
    ),
    longText(
      'pressures_ahead',
      texts(
        'What pressures do you see ahead?',
        '¿Qué presiones ve en el horizonte?',
        'Quelles pressions voyez-vous se profiler ?',
        'Welchen Druck sehen Sie auf sich zukommen?',
        'Que pressões você prevê para o futuro?',
        'Welke druk ziet u op u afkomen?',
        'Quali pressioni prevede per il futuro?',
      ),
    ),
    longText(
      'main_objectives',
      texts(
        'What are your main objectives, and how will you reach them?',
        '¿Cuáles son sus principales objetivos y cómo los alcanzará?',
        'Quels sont vos principaux objectifs, et comment comptez-vous les atteindre ?',
        'Was sind Ihre wichtigsten Ziele, und wie werden Sie sie erreichen?',
        'Quais são seus principais objetivos e como você vai alcançá-los?',
        'Wat zijn uw belangrijkste doelen en hoe gaat u die bereiken?',
        'Quali sono i Suoi obiettivi principali e come intende raggiungerli?',
      ),
    ),
    longText(
      'how_we_help',
      texts(
        'How could we help?',
        '¿Cómo podríamos ayudar?',
        'Comment pourrions-nous vous aider ?',
        'Wie könnten wir Sie unterstützen?',
        'Como poderíamos ajudar?',
        'Hoe kunnen wij u helpen?',
        'Come potremmo aiutarLa?',
      ),
    ),
    longText(
      'more_value',
      texts(
        'Where could we add more value?',
        '¿Dónde podríamos aportar más valor?',
        'Où pourrions-nous vous apporter davantage de valeur ?',
        'Wo könnten wir Ihnen mehr Nutzen bieten?',
        'Onde poderíamos agregar mais valor?',
        'Waar kunnen wij meer waarde toevoegen?',
        'Dove potremmo offrire più valore?',
      ),
    ),
    longText(
      'not_doing_today',
      texts(
        'What could we do that we do not do today?',
        '¿Qué podríamos hacer que hoy no hacemos?',
        'Que pourrions-nous faire que nous ne faisons pas aujourd’hui ?',
        'Was könnten wir tun, was wir heute noch nicht tun?',
        'O que poderíamos fazer que ainda não fazemos hoje?',
        'Wat zouden wij kunnen doen dat wij nu nog niet doen?',
        'Che cosa potremmo fare che oggi non facciamo?',
      ),
    ),
    longText(
      'more_business',
      texts(
        'Where would you welcome more of our business?',
        '¿En qué áreas le gustaría trabajar más con nosotros?',
        'Dans quels domaines aimeriez-vous travailler davantage avec nous ?',
        'In welchen Bereichen würden Sie gern mehr mit uns zusammenarbeiten?',
        'Em quais áreas você gostaria de trabalhar mais conosco?',
        'Op welke gebieden zou u graag meer met ons samenwerken?',
        'In quali ambiti Le piacerebbe lavorare di più con noi?',
      ),
    ),
    {
      ...npsQuestion,
      heading: texts('Recommendation', 'Recomendación', 'Recommandation', 'Empfehlung', 'Recomendação', 'Aanbeveling', 'Raccomandazione'),
    },
  ],
};

/** The question whose mark out of ten makes a pulse's answer (follow-up rule `pulse_low_mark`, the pulse trend). */
export const PULSE_RATING_KEY = 'pulse_rating';
/** The pulse's open question: its answer is the comment shown beside the mark. */
export const PULSE_COMMENT_KEY = 'pulse_comment';

/** Pulses after an event (issue 14, part 2): one mark out of ten and one open question, short enough to answer at once. */
export const deliveryPulseTemplate: SurveyDefinition = {
  title: texts(
    'How did this delivery go?',
    '¿Qué tal fue esta entrega?',
    'Comment s’est passée cette livraison ?',
    'Wie ist diese Lieferung verlaufen?',
    'Como foi esta entrega?',
    'Hoe is deze levering verlopen?',
    'Com’è andata questa consegna?',
  ),
  thanks: texts(
    'Thank you. Your account team reads every answer.',
    'Gracias. Su equipo de cuenta lee todas las respuestas.',
    'Merci. L’équipe qui suit votre compte lit chaque réponse.',
    'Vielen Dank. Ihr Kundenteam liest jede Antwort.',
    'Obrigado. Sua equipe de atendimento lê todas as respostas.',
    'Hartelijk dank. Uw accountteam leest elk antwoord.',
    'Grazie. Il team che segue il Suo account legge ogni risposta.',
  ),
  questions: [
    {
      key: PULSE_RATING_KEY,
      kind: 'rating',
      min: 1,
      max: 10,
      required: true,
      text: texts(
        'How did this delivery go? Give it a mark from 1 to 10.',
        '¿Qué tal fue esta entrega? Póngale una nota del 1 al 10.',
        'Comment s’est passée cette livraison ? Donnez-lui une note de 1 à 10.',
        'Wie ist diese Lieferung verlaufen? Geben Sie ihr eine Note von 1 bis 10.',
        'Como foi esta entrega? Dê uma nota de 1 a 10.',
        'Hoe is deze levering verlopen? Geef haar een cijfer van 1 tot 10.',
        'Com’è andata questa consegna? Le dia un voto da 1 a 10.',
      ),
    },
    longText(
      PULSE_COMMENT_KEY,
      texts(
        'What should we do better next time?',
        '¿Qué deberíamos hacer mejor la próxima vez?',
        'Que devrions-nous améliorer la prochaine fois ?',
        'Was sollten wir beim nächsten Mal besser machen?',
        'O que deveríamos fazer melhor da próxima vez?',
        'Wat moeten wij de volgende keer beter doen?',
        'Che cosa dovremmo fare meglio la prossima volta?',
      ),
    ),
  ],
};

export const builtInTemplates = [
  { templateKey: 'nps', name: 'NPS', kind: 'nps' as const, definition: npsTemplate },
  { templateKey: 'audit', name: 'Key-account audit', kind: 'audit' as const, definition: auditTemplate },
  { templateKey: 'delivery_pulse', name: 'Pulse: how did this delivery go?', kind: 'custom' as const, definition: deliveryPulseTemplate },
];

/** Languages every text of the survey is available in. */
export function surveyLanguages(definition: SurveyDefinition): string[] {
  const texts = [definition.title, ...definition.questions.map((q) => q.text)];
  const first = Object.keys(texts[0]!);
  return first.filter((lang) => texts.every((text) => lang in text)).sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}

const isLocalizedText = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Record<string, unknown>).en === 'string' &&
  Object.values(value).every((v) => typeof v === 'string');

function addMissingLanguages(stored: unknown, code: unknown): unknown {
  if (isLocalizedText(stored)) return isLocalizedText(code) ? { ...code, ...stored } : stored;
  if (Array.isArray(stored)) return Array.isArray(code) && code.length === stored.length ? stored.map((v, i) => addMissingLanguages(v, code[i])) : stored;
  if (typeof stored === 'object' && stored !== null && typeof code === 'object' && code !== null && !Array.isArray(code)) {
    const from = code as Record<string, unknown>;
    return Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, addMissingLanguages(v, from[k])]));
  }
  return stored;
}

/**
 * A built-in template stored by an earlier release, with the texts of the languages added since (the stored
 * wording of the languages it had is kept), or null when it already has them all or its questions are no longer
 * the built-in ones (then it is left alone).
 */
export function withNewLanguages(stored: SurveyDefinition, code: SurveyDefinition): SurveyDefinition | null {
  const keys = (d: SurveyDefinition) => d.questions.map((q) => q.key).join('\n');
  if (keys(stored) !== keys(code)) return null;
  const merged = addMissingLanguages(stored, code) as SurveyDefinition;
  return JSON.stringify(merged) === JSON.stringify(stored) ? null : merged;
}
