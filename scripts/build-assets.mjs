#!/usr/bin/env node
// Lays out GOV.UK Frontend's files as the Worker's static assets ([assets] in wrangler.toml), at the paths
// the pages and the CSS use: /assets/govuk-frontend.min.{css,js} (at dist/govuk's root in the package) and
// /assets/fonts, /assets/images, /assets/manifest.json (under dist/govuk/assets in the package).
//   node scripts/build-assets.mjs [outDir]     (default dist/public; `npm run build:assets`)
// The output folder is rebuilt from scratch, so it holds nothing else: in particular not the Worker bundle,
// which must never be served as a static file. Its `_headers` file (read by Cloudflare, never served) gives
// every asset the app's security headers, taken from the middleware (src/middleware/security-headers.ts).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(root, process.argv[2] ?? 'dist/public');
const require = createRequire(join(root, 'package.json'));
const govuk = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist', 'govuk');

const copies = [
  ['govuk-frontend.min.css', 'govuk-frontend.min.css'],
  ['govuk-frontend.min.css.map', 'govuk-frontend.min.css.map'],
  ['govuk-frontend.min.js', 'govuk-frontend.min.js'],
  ['govuk-frontend.min.js.map', 'govuk-frontend.min.js.map'],
  ['assets/fonts', 'fonts'],
  ['assets/images', 'images'],
  ['assets/manifest.json', 'manifest.json'],
];

rmSync(out, { recursive: true, force: true });
const assets = join(out, 'assets');
mkdirSync(assets, { recursive: true });
for (const [from, to] of copies) {
  const source = join(govuk, from);
  if (!existsSync(source)) throw new Error(`govuk-frontend has no ${from} (is it installed? npm ci)`);
  cpSync(source, join(assets, to), { recursive: true });
}

const { assetHeadersFile, staticAssetHeaders } = await tsImport(
  '../src/middleware/security-headers.ts',
  import.meta.url,
);
writeFileSync(join(out, '_headers'), assetHeadersFile(await staticAssetHeaders()));
// SimpleWebAuthn's browser bundle (UMD: it sets globalThis.SimpleWebAuthnBrowser), for /passkeys.js.
const webauthn = join(dirname(require.resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle');
cpSync(join(webauthn, 'index.umd.min.js'), join(assets, 'simplewebauthn-browser.umd.min.js'));

let files = 0;
let bytes = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const s = statSync(path);
    if (s.isDirectory()) walk(path);
    else {
      files++;
      bytes += s.size;
    }
  }
};
walk(out);
console.log(`static assets: ${files} files, ${(bytes / 1024).toFixed(0)} KiB in ${out}`);
