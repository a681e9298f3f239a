import type { ComponentChildren } from 'preact';
import type { ApiProblem } from '../api.js';

/** Shown while data loads; announced politely to screen readers. */
export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p class="state loading" role="status" aria-live="polite">
      {what}
    </p>
  );
}

/** An API error in words, with a way to try again. A 404 reads as "not found", whatever hid it. */
export function ErrorState({ error, retry }: { error: ApiProblem; retry?: () => void }) {
  const message = error.status === 404 ? 'Not found. It may have been removed, or it is not one of yours.' : error.message;
  return (
    <div class="state error" role="alert">
      <p>{message}</p>
      {retry && error.status !== 404 && (
        <button type="button" class="secondary" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Nothing to show yet, and what to do about it. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="state empty">{children}</div>;
}
