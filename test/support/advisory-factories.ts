// Kept for imports by this name: the factories live in fixtures.ts.
export * from './fixtures.js';
