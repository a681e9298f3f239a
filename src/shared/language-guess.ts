/**
 * Which language a short text (a task's resolution) is written in, told cheaply from its most common words.
 *
 * Why not a library: franc-min, tinyld and eld (all in the npm lists) know dozens of languages from trigram or
 * n-gram tables of 30–250 KB, are least sure on exactly the one- or two-sentence texts we check, and would ship to
 * the browser to warn while the person types. We only ask "is this the customer's language?", the survey
 * languages are few, and the small function words ("the", "we", "los", "hemos") settle that in a sentence. When
 * the text is too short or the words do not clearly point one way, the answer is null: we say nothing rather
 * than warn wrongly.
 */
const stopWords: Record<string, string> = {
  en: 'the and to of we you your our is are was were have has had will it this that for with on in be not they their them as at by from been can an would do did about',
  es: 'el la los las y de del que en un una es son fue hemos ha han para por con su sus nos le les lo se no al como más muy pero ya usted ustedes este esta estos',
  de: 'der die das und zu den dem ist sind wir sie ihr ihre ein eine nicht mit für auf haben hat wurde werden von bei auch es ich',
  fr: 'le la les et de des du que est sont nous vous votre vos un une pour par avec sur pas dans au aux ont avons été il elle ce cette',
  pt: 'o a os as e de do da dos das que em um uma é são foi para por com seu sua não no na nos ao como mais muito já você vocês',
  it: 'il lo la gli le e di del della che è sono un una per con su non nel nella abbiamo ha hanno siamo stato anche come più',
  nl: 'de het een en van is zijn wij we u uw jullie niet met voor op in te dat die aan ook hebben heeft werd worden bij',
};

const lists = Object.fromEntries(Object.entries(stopWords).map(([lang, words]) => [lang, new Set(words.split(' '))]));

/** Languages this guesser can tell apart. */
export const guessableLanguages = Object.keys(stopWords);

/** The language (a base tag, e.g. `es`) the text reads in, or null when it is too short or not clear. */
export function guessLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 4) return null;
  const scores = Object.entries(lists)
    .map(([lang, set]) => ({ lang, hits: words.filter((w) => set.has(w)).length }))
    .sort((a, b) => b.hits - a.hits);
  const [best, second] = scores;
  if (!best || best.hits < 2) return null;
  // A clear lead: several words point one way and clearly more than to the runner-up.
  if (second && best.hits < second.hits * 1.5 + 1) return null;
  return best.lang;
}

/**
 * The language a resolution seems to be written in when it is not the customer's (null: it matches, or we
 * cannot tell — including a customer language this guesser does not know).
 */
export function otherLanguageThan(text: string, customerLanguage: string): string | null {
  const base = customerLanguage.toLowerCase().split('-')[0]!;
  if (!guessableLanguages.includes(base)) return null;
  const guessed = guessLanguage(text);
  return guessed && guessed !== base ? guessed : null;
}

/** Language names in English, for the warning. */
export const languageNames: Record<string, string> = {
  en: 'English',
  es: 'Spanish',
  de: 'German',
  fr: 'French',
  pt: 'Portuguese',
  it: 'Italian',
  nl: 'Dutch',
};
