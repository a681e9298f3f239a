import { usePageTitle } from '../use-page-title.js';

// PLACEHOLDER: replaced by the page's implementation.
export default function Page() {
  usePageTitle('Task');
  return <h1>Task</h1>;
}
