// A small browser stand-in for page tests: keeps cookies, asks for HTML, and sends forms with the CSRF
// field the last page carried.
import type { Deps } from '../../src/deps.js';
import type { Role } from '../../src/domain/principal.js';
import { SESSION_COOKIE } from '../../src/features/auth/sessions.js';
import { settleBackground } from '../../src/lib/background.js';
import type { TestApp } from '../support/app.js';
import { insertSession } from '../support/fixtures.js';

export interface PageResponse {
  status: number;
  html: string;
  location: string | null;
  setCookies: string[];
}

export function browser(t: TestApp) {
  const jar = new Map<string, string>();
  let lastCsrf = '';

  function remember(res: Response) {
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (!value || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return setCookies;
  }

  async function request(
    method: string,
    path: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<PageResponse> {
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml', ...options.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const res = await t.app.request(path, { method, headers, body });
    // As a person would: the mail a page sends in the background has gone by the time they look.
    await settleBackground(t.deps.db);
    const setCookies = remember(res);
    const html = await res.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html);
    if (csrf) lastCsrf = csrf[1]!;
    return { status: res.status, html, location: res.headers.get('location'), setCookies };
  }

  return {
    jar,
    get: (path: string, headers?: Record<string, string>) => request('GET', path, { headers }),
    /** Posts a form with the CSRF token of the last page that had one. */
    submit: (path: string, fields: Record<string, string> = {}, headers?: Record<string, string>) =>
      request('POST', path, { form: { _csrf: lastCsrf, ...fields }, headers }),
    /**
     * Posts a form as `submit` does and, as a browser does, follows a redirect to a page of this site (one
     * hop, GET): the page a person sees after a post/redirect/get. `redirectedTo` says where it went.
     */
    async send(path: string, fields: Record<string, string> = {}, headers?: Record<string, string>) {
      const posted = await request('POST', path, { form: { _csrf: lastCsrf, ...fields }, headers });
      if (posted.status !== 303 || !posted.location?.startsWith('/'))
        return { ...posted, redirectedTo: null };
      const landed = await request('GET', posted.location, { headers });
      return { ...landed, redirectedTo: posted.location };
    },
    /** Posts a form exactly as given (no CSRF field added). */
    post: (path: string, fields: Record<string, string>, headers?: Record<string, string>) =>
      request('POST', path, { form: fields, headers }),
    get csrf() {
      return lastCsrf;
    },
    /** Starts a session the way token sign-in does (a new token of the role) and puts its cookie in the jar. */
    async signInAs(
      deps: Deps,
      session: {
        role: Role;
        label?: string;
        authorityCode?: string;
        warpId?: string;
        actor?: string;
        mailboxId?: string;
      },
    ) {
      const created = await insertSession(deps.db, session, { now: deps.clock.now() });
      jar.set(SESSION_COOKIE, created.secret);
      return created;
    },
  };
}

export type Browser = ReturnType<typeof browser>;

/** The link (path only) in the last message sent to an address. */
export function linkIn(t: TestApp, to: string, kind: 'confirm' | 'sign-in'): string {
  const sent = (t.deps.mailer as unknown as { to(a: string): Array<{ text: string }> }).to(to);
  const last = sent.at(-1);
  if (!last) throw new Error(`no mail was sent to ${to}`);
  const match = new RegExp(`https?://[^/\\s]+(/${kind}/[A-Za-z0-9_-]+)`).exec(last.text);
  if (!match) throw new Error(`no ${kind} link in the mail to ${to}`);
  return match[1]!;
}

export function sentTo(t: TestApp, to: string): number {
  return (t.deps.mailer as unknown as { to(a: string): unknown[] }).to(to).length;
}

/** The text of the page's <title>. */
export function titleOf(html: string): string {
  return /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
}

export { seedCouncils } from '../support/fixtures.js';
