import type { ComponentChildren } from 'preact';

interface FieldProps {
  /** The input's id; the label and the error point at it. */
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ComponentChildren;
}

/**
 * A label, an input (the child, which must carry the same `id`, and `aria-describedby={describedBy(id)}`)
 * and the error under it, announced to screen readers.
 */
export function Field({ id, label, error, hint, children }: FieldProps) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint && (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {children}
      {error && (
        <p class="field-error" id={`${id}-error`} role="alert">
          {withFieldName(label, error)}
        </p>
      )}
    </div>
  );
}

/**
 * The shared schemas' messages are the end of a sentence ("is required", "must be at most 200 characters"; see
 * shared/validation-messages.ts): under a field they start with its name — "Name is required". Any other
 * message (a sentence of its own, "Write a comment first.") is shown as it is.
 */
export function withFieldName(label: string, message: string): string {
  if (!/^(is|are|must|has|needs|can|cannot)\b/.test(message)) return message;
  const name = label.replace(/\s*\(.*?\)\s*$/, '').replace(/[:*]\s*$/, '').trim();
  return name ? `${name} ${message}` : message.charAt(0).toUpperCase() + message.slice(1);
}

/** The ids an input's aria-describedby should name (hint and error, when present). */
export const describedBy = (id: string, error?: string, hint?: string) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** zod's issues (from the shared schemas, checked in the browser) as field → message. */
export function zodErrors(issues: { path: PropertyKey[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path.map(String).join('.')] ??= issue.message;
  return out;
}
