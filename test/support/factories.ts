// Kept for the folders that still import it by this name (pages, browser): the factories live in fixtures.ts.
export * from './fixtures.js';
