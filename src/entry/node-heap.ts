// How the Node process's JS heap grows. After a full collection V8 lets the old generation grow to up to
// 4× what survived when it judges allocation fast (as while the modules load at start-up); a fan-out then
// allocates hundreds of MB a second of short-lived messages and fills ~150 MB with garbage before the
// next full collection. Growing by at most 1.5× keeps a 100,000-recipient fan-out under 200 MB of peak
// RSS (`npm run bench -- fanout`: 300–330 MB without, about 190 MB with), at no measurable cost in
// messages a second: what survives a collection here is small (20–40 MB), so full collections stay short.
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** Caps the heap's growth between full collections (V8 reads the flag at every collection). */
export function limitHeapGrowth(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
