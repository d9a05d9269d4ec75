// The dashboard is served by the binary under /ui/ (every asset embedded at build time, nothing
// from a CDN): relative to that base, hashed names under assets/ so they can be cached for good.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/ui/',
  build: {
    target: 'es2022',
    assetsDir: 'assets',
    // Only text assets: the embedding (cmake/embed_ui.cmake) keeps files as string literals.
    assetsInlineLimit: 0,
    sourcemap: false,
    reportCompressedSize: false,
  },
});
