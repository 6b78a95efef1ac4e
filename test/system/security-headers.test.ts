// The security headers are written once (src/middleware/security-headers.ts): what the app sends, and what
// the edge's static assets get from the generated `_headers` file, are the same headers with the same values.
import { describe, expect, it } from 'vitest';
import { assetHeadersFile, staticAssetHeaders } from '../../src/middleware/security-headers.js';
import { makeTestApp } from '../support/app.js';

describe('security headers, written once', () => {
  it('the static assets get exactly the headers the app sends on its pages (over https)', async () => {
    const t = await makeTestApp({ env: { PUBLIC_BASE_URL: 'https://cyber-contacts.test' } });
    try {
      const res = await t.app.request('https://cyber-contacts.test/healthz');
      const assets = await staticAssetHeaders();
      expect(Object.keys(assets)).toEqual(
        expect.arrayContaining([
          'content-security-policy',
          'x-content-type-options',
          'referrer-policy',
          'x-frame-options',
          'strict-transport-security',
          'cross-origin-opener-policy',
          'cross-origin-resource-policy',
        ]),
      );
      expect(assets['content-security-policy']).toContain("frame-ancestors 'none'");
      for (const [name, value] of Object.entries(assets)) expect(res.headers.get(name), name).toBe(value);
    } finally {
      await t.close();
    }
  });

  it('without https the app sends no HSTS; the rest is the same', async () => {
    const t = await makeTestApp();
    try {
      const res = await t.app.request('/healthz');
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('content-security-policy')).toBe(
        (await staticAssetHeaders())['content-security-policy'],
      );
    } finally {
      await t.close();
    }
  });

  it('the `_headers` file applies every header to every asset path', async () => {
    const file = assetHeadersFile({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin' });
    expect(file.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '/*',
      '  x-content-type-options: nosniff',
      '  referrer-policy: same-origin',
      '',
    ]);
  });
});
