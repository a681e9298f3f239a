import { PageShell } from '../components/page-shell.js';
import type { SurveyPageProps } from './types.js';

// Placeholder replaced by the real survey form (being written now).
export function SurveyPage(props: SurveyPageProps) {
  return (
    <PageShell title="Survey" lang={props.lang}>
      <h1>Survey</h1>
    </PageShell>
  );
}
