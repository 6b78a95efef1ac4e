// A row of links that each show the page another way (group by, filter), the current one in bold and
// marked `aria-current="page"`.
import type { Child } from 'hono/jsx';

export interface ChoiceLink {
  href: string;
  text: string;
  current: boolean;
}

export function LinkChoice({ label, intro, links }: { label: string; intro?: Child; links: ChoiceLink[] }) {
  return (
    <nav class="app-group-choice" aria-label={label}>
      {intro && <p class="govuk-body govuk-!-margin-bottom-1">{intro}</p>}
      <ul class="govuk-list app-inline-list">
        {links.map((l) => (
          <li>
            <a
              class={l.current ? 'govuk-link app-current-link' : 'govuk-link'}
              href={l.href}
              aria-current={l.current ? 'page' : undefined}
            >
              {l.text}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
