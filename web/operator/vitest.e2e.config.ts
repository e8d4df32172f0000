import { defineConfig } from 'vitest/config';

// Browser tests: a real `omniline serve` on loopback and Debian's Chromium through
// playwright-core. One file at a time (2 cores); each file starts its own server.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
