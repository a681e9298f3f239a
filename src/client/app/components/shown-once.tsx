import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

/**
 * A secret the server keeps only as a hash or sealed (an API key, a webhook signing secret), shown this once: a copy
 * button and the warning that it will not be shown again.
 */
export function ShownOnce({
  title,
  value,
  what,
  testId,
  onDone,
  children,
}: {
  title: string;
  value: string;
  /** `key`, `secret`: the word on the copy button and in its messages. */
  what: string;
  testId: string;
  onDone: () => void;
  /** What it is for and what to do when it is lost, after "Copy it now: it is shown only this once." */
  children: ComponentChildren;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied(`Could not copy: select the ${what} and copy it by hand.`);
    }
  }
  return (
    <section class="key-once" aria-labelledby="shown-once-heading" role="alert">
      <h2 id="shown-once-heading">{title}</h2>
      <p>
        <strong>Copy it now: it is shown only this once.</strong> {children}
      </p>
      <p class="key-value">
        <code data-testid={testId}>{value}</code>
      </p>
      <div class="actions">
        <button type="button" onClick={copy}>
          Copy {what}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          I have stored it
        </button>
        <span aria-live="polite">{copied}</span>
      </div>
    </section>
  );
}
