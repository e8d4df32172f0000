/// <reference types="vitest/config" />
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));

// `npm run build` writes dist/widget.js (one self-contained IIFE, no chunks, no CSS file: the
// styles live in the script and go into the widget's shadow root) and dist/demo/index.html
// (the sample page the server serves at /demo). scripts/build-web.sh copies both.
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
    minify: true,
    lib: {
      entry: resolve(here, 'src/main.ts'),
      name: 'OmnilineWidget',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
  plugins: [
    {
      name: 'omniline-demo-page',
      apply: 'build',
      closeBundle() {
        mkdirSync(resolve(here, 'dist/demo'), { recursive: true });
        copyFileSync(resolve(here, 'demo/index.html'), resolve(here, 'dist/demo/index.html'));
      },
    },
  ],
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.ts'],
  },
});
