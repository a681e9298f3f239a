import { useEffect } from 'preact/hooks';

/** Sets the document title ("Accounts · Keypulse") so tabs, history and screen readers name the page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Keypulse`;
  }, [title]);
}
