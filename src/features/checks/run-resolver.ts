// One resolver for one check run: each question asked once (domains share parents for DMARC, exchanges
// for MX and MTA-STS, names for SPF includes), and every answer a promise, so concurrent checks of the
// same name wait for one lookup instead of starting their own.
import type { Resolver } from '../../ports/resolver.js';

export function runResolver(resolver: Resolver): Resolver {
  const answers = new Map<string, Promise<unknown>>();
  const once =
    <T>(type: string, ask: (name: string) => Promise<T>) =>
    (name: string): Promise<T> => {
      const key = `${type} ${name.toLowerCase()}`;
      let answer = answers.get(key) as Promise<T> | undefined;
      if (!answer) {
        answer = ask(name);
        answers.set(key, answer);
      }
      return answer;
    };
  return {
    resolveMx: once('MX', (n) => resolver.resolveMx(n)),
    resolveTxt: once('TXT', (n) => resolver.resolveTxt(n)),
    resolve4: once('A', (n) => resolver.resolve4(n)),
    resolve6: once('AAAA', (n) => resolver.resolve6(n)),
    resolveCname: once('CNAME', (n) => resolver.resolveCname(n)),
  };
}
