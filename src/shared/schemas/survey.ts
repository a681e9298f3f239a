import * as z from 'zod';
import { LanguageTag } from './contact.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** Text in several languages; English is always present and is the fallback. */
export const LocalizedText = z
  .record(LanguageTag, z.string().trim().min(1).max(2000))
  .refine((t) => typeof t.en === 'string', { message: 'needs an English ("en") text' });
export type LocalizedText = z.infer<typeof LocalizedText>;

/** Stable question keys: rules and reports refer to questions by key, across versions and copies. */
export const QuestionKey = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, { message: 'must be lowercase letters, digits and _' });

const base = {
  key: QuestionKey,
  text: LocalizedText,
  required: z.boolean().default(false),
  /** Starts a new section with this heading. */
  heading: LocalizedText.optional(),
  help: LocalizedText.optional(),
};

export const NpsQuestion = z.object({ ...base, kind: z.literal('nps') });
export const RatingQuestion = z.object({
  ...base,
  kind: z.literal('rating'),
  min: z.literal(1).default(1),
  max: z.literal(10).default(10),
});
export const ChoiceOption = z.object({ value: QuestionKey, label: LocalizedText });
export const ChoiceQuestion = z.object({
  ...base,
  kind: z.literal('choice'),
  multiple: z.boolean().default(false),
  options: z.array(ChoiceOption).min(2).max(30),
  allowOther: z.boolean().default(false),
});
export const TextQuestion = z.object({ ...base, kind: z.literal('text'), long: z.boolean().default(false) });
export const YesNoQuestion = z.object({ ...base, kind: z.literal('yes_no') });

export const Question = z.discriminatedUnion('kind', [NpsQuestion, RatingQuestion, ChoiceQuestion, TextQuestion, YesNoQuestion]);
export type Question = z.infer<typeof Question>;
export type QuestionKind = Question['kind'];

export const SurveyDefinition = z
  .object({
    title: LocalizedText,
    intro: LocalizedText.optional(),
    thanks: LocalizedText.optional(),
    questions: z.array(Question).min(1).max(60),
  })
  .superRefine((def, ctx) => {
    const seen = new Set<string>();
    def.questions.forEach((q, i) => {
      if (seen.has(q.key)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'key'], message: `duplicate key "${q.key}"` });
      seen.add(q.key);
    });
    if (def.questions.filter((q) => q.kind === 'nps').length > 1) {
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'a survey has at most one NPS question' });
    }
  });
export type SurveyDefinition = z.infer<typeof SurveyDefinition>;

export const SurveyKind = z.enum(['nps', 'audit', 'custom']);
export type SurveyKind = z.infer<typeof SurveyKind>;

export const Survey = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: SurveyKind,
  templateKey: z.string().nullable(),
  /** Who made this copy (null on templates and on copies older than this field). */
  createdBy: z.uuid().nullable(),
  /** Whether the caller may edit it: its maker and admins may, on copies only. */
  canEdit: z.boolean(),
  version: z.number().int(),
  versionId: z.uuid(),
  definition: SurveyDefinition,
  languages: z.array(z.string()),
  responseCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Survey = z.infer<typeof Survey>;

export const CreateSurvey = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: SurveyKind.default('custom'),
  /** Start from a copy of an existing survey's current definition… */
  copyFromId: z.uuid().optional(),
  /** …or from this definition. */
  definition: SurveyDefinition.optional(),
});

export const UpdateSurvey = z
  .strictObject({ name: z.string().trim().min(1).max(200), definition: SurveyDefinition })
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });

/** One answer: a score, a text, a yes/no, or chosen options with an optional "other" text. */
export const AnswerValue = z.union([
  z.number().int(),
  z.string().max(5000),
  z.boolean(),
  z.object({ selected: z.array(z.string().max(64)).max(30), other: z.string().max(1000).optional() }),
]);
export type AnswerValue = z.infer<typeof AnswerValue>;
export const Answers = z.record(QuestionKey, AnswerValue.nullable());
export type Answers = z.infer<typeof Answers>;

/** What the survey page posts as the respondent goes; `complete` submits the whole form. */
export const SaveAnswers = z.strictObject({
  answers: Answers,
  complete: z.boolean().default(false),
});
export type SaveAnswers = z.infer<typeof SaveAnswers>;
