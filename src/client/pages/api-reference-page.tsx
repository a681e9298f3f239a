import { PageShell } from '../components/page-shell.js';

export interface ReferenceOperation {
  method: string;
  path: string;
  summary?: string;
  tag: string;
  parameters: { name: string; in: string; required: boolean; type: string }[];
  requestSchema?: string;
  responseStatus?: string;
  responseSchema?: string;
}

/** A readable rendering of the OpenAPI document, grouped by resource. */
export function ApiReferencePage({ operations, version }: { operations: ReferenceOperation[]; version: string }) {
  const tags = [...new Set(operations.map((op) => op.tag))];
  return (
    <PageShell title="Keypulse API reference">
      <h1>Keypulse API reference</h1>
      <p class="lead">
        Version {version}. JSON over HTTP; machine-readable at <a href="/api/openapi.json">/api/openapi.json</a>.
      </p>
      <section aria-labelledby="conventions">
        <h2 id="conventions">Conventions</h2>
        <ul>
          <li>
            Authenticate with the <code>kp_session</code> cookie from <code>POST /api/auth/login</code> (browser changes
            must send a same-site <code>Origin</code>), or with <code>Authorization: Bearer kp_live_…</code>.
          </li>
          <li>Field names are camelCase; ids are UUIDs; money is in minor units; dates are YYYY-MM-DD.</li>
          <li>
            Lists take <code>page</code> and <code>pageSize</code> (max 100) and answer{' '}
            <code>{'{ data, page, pageSize, total }'}</code>.
          </li>
          <li>
            Every error is <code>{'{ "error": { "code", "message", "issues"? } }'}</code>. Another manager's account is
            a 404.
          </li>
        </ul>
      </section>
      <nav aria-label="Resources">
        <ul class="inline-list">
          {tags.map((tag) => (
            <li key={tag}>
              <a href={`#${slug(tag)}`}>{tag}</a>
            </li>
          ))}
        </ul>
      </nav>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={slug(tag)}>
          <h2 id={slug(tag)}>{tag}</h2>
          {operations
            .filter((op) => op.tag === tag)
            .map((op) => (
              <article class="operation" key={`${op.method} ${op.path}`}>
                <h3>
                  <span class={`method method-${op.method}`}>{op.method.toUpperCase()}</span> <code>{op.path}</code>
                </h3>
                {op.summary && <p>{op.summary}</p>}
                {op.parameters.length > 0 && (
                  <table>
                    <caption>Parameters</caption>
                    <thead>
                      <tr>
                        <th scope="col">Name</th>
                        <th scope="col">In</th>
                        <th scope="col">Type</th>
                        <th scope="col">Required</th>
                      </tr>
                    </thead>
                    <tbody>
                      {op.parameters.map((p) => (
                        <tr key={p.name}>
                          <td>
                            <code>{p.name}</code>
                          </td>
                          <td>{p.in}</td>
                          <td>{p.type}</td>
                          <td>{p.required ? 'yes' : 'no'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {op.requestSchema && (
                  <details>
                    <summary>Request body</summary>
                    <pre>{op.requestSchema}</pre>
                  </details>
                )}
                {op.responseSchema && (
                  <details>
                    <summary>Response {op.responseStatus}</summary>
                    <pre>{op.responseSchema}</pre>
                  </details>
                )}
              </article>
            ))}
        </section>
      ))}
    </PageShell>
  );
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}
