import { Password } from '../../shared/schemas/user.js';

/**
 * NIST SP 800-63B for new passwords: a minimum length (the shared `Password` schema), no composition rules,
 * and a check against values known to be common, expected or derived from the context.
 *
 * The list is the common-passwords dictionary of zxcvbn-ts (@zxcvbn-ts/language-common, ~49,000 passwords
 * from breach corpora, maintained). It is loaded on the first check, not at start-up (decompressing it takes
 * ~60 ms), and stays on the server: the browser only checks the length.
 */
let commonPasswords: Promise<Set<string>> | null = null;
function loadCommonPasswords(): Promise<Set<string>> {
  commonPasswords ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common']));
  return commonPasswords;
}

/** The part people remember, without the digits and symbols stuck on either end ("Summer2024!" → "summer"). */
function core(password: string): string {
  return password.normalize('NFKC').toLowerCase().replace(/^[\d\s\p{P}\p{S}]+|[\d\s\p{P}\p{S}]+$/gu, '');
}

export interface PasswordContext {
  /** The account's email: a password made of it is the first thing an attacker tries. */
  email?: string | null;
}

/**
 * Why this new password is refused, or null when it is fine. Like the schemas' messages it is said of the field
 * ("is on a list of common passwords…"): "newPassword is on…" in an API error, "This password is on…" on a page.
 */
export async function passwordProblem(password: string, context: PasswordContext = {}): Promise<string | null> {
  const shape = Password.safeParse(password);
  if (!shape.success) return shape.error.issues[0]!.message;
  const whole = password.normalize('NFKC').toLowerCase();
  const base = core(password);
  const common = await loadCommonPasswords();
  if (common.has(whole)) return 'is on a list of common passwords: choose another';
  if (base.length >= 3 && common.has(base)) return 'is a common password with digits or symbols added: choose another';
  // "abcabcabcabc", "111111111111": long, yet one keystroke pattern.
  if (/^(.{1,4}?)\1+$/su.test(whole)) return 'repeats the same few characters: choose another';
  const email = context.email?.toLowerCase().trim();
  const local = email?.split('@')[0];
  if (email && (base === email || base === core(email) || (local && local.length >= 3 && base === core(local)))) {
    return 'is made from your email address: choose another';
  }
  if (base === 'keypulse') return 'is the name of this service: choose another';
  return null;
}
