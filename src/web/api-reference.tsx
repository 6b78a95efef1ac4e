// The API reference page, rendered on the server from the OpenAPI document: no script, no CDN, so it
// works on a closed network.
import { Table } from './components/table.js';
import { Tag } from './components/tag.js';
import { Layout, page } from './layout.js';

type Json = Record<string, unknown>;
const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

function schemaText(schema: unknown, doc: Json): string {
  return JSON.stringify(resolveRefs(schema, doc, 0), null, 2);
}

function resolveRefs(value: unknown, doc: Json, depth: number): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, doc, depth + 1));
  const ref = (value as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
    return resolveRefs(schemas[name], doc, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(value as Json).map(([k, v]) => [k, resolveRefs(v, doc, depth + 1)]),
  );
}

export function renderApiReference(doc: Json, serviceName: string): string {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  const operations = Object.entries(paths).flatMap(([path, item]) =>
    methods.filter((m) => item[m]).map((m) => ({ path, method: m, op: item[m] as Json })),
  );
  const byTag = new Map<string, typeof operations>();
  for (const o of operations) {
    const tag = ((o.op.tags as string[] | undefined) ?? ['Other'])[0]!;
    byTag.set(tag, [...(byTag.get(tag) ?? []), o]);
  }
  return page(
    <Layout title="API reference" serviceName={serviceName}>
      <h1 class="govuk-heading-xl">API reference</h1>
      <p class="govuk-body">
        Every route of the service. The machine-readable OpenAPI 3.1 document is at{' '}
        <a class="govuk-link" href="/openapi.json">
          /openapi.json
        </a>
        . Authenticate with <code class="app-code">Authorization: Bearer &lt;token&gt;</code>. Errors are RFC
        9457 problem details (<code class="app-code">application/problem+json</code>) with a machine-readable{' '}
        <code class="app-code">code</code>.
      </p>
      <nav aria-label="Sections">
        <ul class="govuk-list">
          {[...byTag.keys()].map((tag) => (
            <li>
              <a class="govuk-link" href={`#tag-${tag.toLowerCase().replace(/\W+/g, '-')}`}>
                {tag}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section>
          <h2 class="govuk-heading-l" id={`tag-${tag.toLowerCase().replace(/\W+/g, '-')}`}>
            {tag}
          </h2>
          {ops.map(({ path, method, op }) => {
            const params = (op.parameters as Json[] | undefined) ?? [];
            const body = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
            const responses = (op.responses ?? {}) as Record<string, Json>;
            return (
              <div class="govuk-!-margin-bottom-8">
                <h3 class="govuk-heading-m">
                  <Tag colour="grey">{method.toUpperCase()}</Tag> <code class="app-code">{path}</code>
                </h3>
                <p class="govuk-body">{String(op.summary ?? '')}</p>
                {params.length > 0 && (
                  <Table
                    id={`params-${method}-${path.replace(/\W+/g, '-')}`}
                    scroll
                    compact
                    caption="Parameters"
                    columns={['Name', 'In', 'Required', { head: 'Schema', cellClass: 'app-code' }]}
                    rows={params.map((p) => [
                      <code class="app-code">{String(p.name)}</code>,
                      String(p.in),
                      p.required ? 'yes' : 'no',
                      JSON.stringify(p.schema ?? {}),
                    ])}
                  />
                )}
                {Object.entries(body).map(([type, content]) => (
                  <details class="govuk-details">
                    <summary class="govuk-details__summary">
                      <span class="govuk-details__summary-text">Request body ({type})</span>
                    </summary>
                    <div class="govuk-details__text">
                      <pre class="app-pre">{schemaText(content.schema, doc)}</pre>
                    </div>
                  </details>
                ))}
                <ul class="govuk-list govuk-list--bullet">
                  {Object.entries(responses).map(([status, r]) => (
                    <li>
                      <strong>{status}</strong> {String(r.description ?? '')}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </section>
      ))}
    </Layout>,
  );
}
