/**
 * English: the reference catalogue. Its keys define every other catalogue's type (`Messages`), and
 * tests/domain/i18n-catalogues.test.ts checks that each catalogue has exactly these keys and the same {placeholders}.
 *
 * Keys starting with `email` or `loop` are used only in emails; the survey page's browser script never receives them
 * (see `pageMessages` in core.ts).
 */
export const en = {
  // The survey page and its validation messages.
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
  requiredMark: 'required',
  requiredNote: 'Questions marked * are required.',
  confirmScoreHint: 'Is this your score? Confirm it with the button below.',
  errorPrefix: 'Error: ',
  skipToContent: 'Skip to content',
  sectionOf: 'Section {n} of {total}',
  nextSection: 'Next',
  previousSection: 'Back',
  // The unsubscribe page.
  unsubscribeTitle: 'Unsubscribe',
  unsubscribeBody: 'Stop receiving surveys from {company} at {email}?',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedBody: 'We will not send you any more surveys. Sorry to see you go.',
  // The invitation and reminder emails.
  emailSubjectNps: 'A quick question from {company}',
  emailSubjectSurvey: '{title} – {company}',
  emailNpsQuestion: 'How likely are you to recommend {company} to a friend or colleague?',
  emailNpsLead: 'Click a number to answer: one click is all it takes.',
  emailOpenSurvey: 'Open the survey',
  emailUnsubscribe: 'Unsubscribe',
  emailWhy: 'You receive this email because you work with {company}.',
  emailReminderPrefix: 'Reminder: ',
  emailReminderLead: 'We are writing again in case our earlier email got buried.',
  emailGreeting: 'Hello {name},',
  emailAuditBody: '{owner} would value your view of how we work together. The review takes about ten minutes.',
  emailNpsBody: 'We would like to know how we are doing.',
  emailCustomBody: '{owner} would value your answers to a short survey: {title}.',
  emailButtonFallback: 'If the button does not work, copy this link into your browser:',
  emailAlsoOpen: 'You can also open the survey here:',
  emailSignoff: 'Thank you,',
  // Closing the loop: "what we did with your feedback".
  loopSubject: 'What we did with your feedback – {company}',
  loopGreeting: 'Hello {name},',
  loopYouSaid: 'You told us:',
  loopWeDid: 'Here is what we did:',
  loopClosing: 'Thank you for telling us. If anything is still not right, simply reply to this email.',
} as const;

export type MessageKey = keyof typeof en;
/** A catalogue: one text for each of English's keys, no more, no fewer. */
export type Messages = Record<MessageKey, string>;
