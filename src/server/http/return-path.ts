/** Only our own paths: `next=https://evil.example` (or `//evil.example`) must not turn sign-in into an open redirect. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : '/';
}
