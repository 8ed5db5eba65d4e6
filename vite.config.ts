/**
 * The dashboard build: `src-renderer/` → `src-renderer/dist/` (copied to `out/renderer` by
 * scripts/build.mjs). Relative asset paths so the same build loads from the server's `/` and from
 * the Electron window's file. Everything is emitted as external files: the page's CSP allows no
 * inline script or style.
 */
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [svelte({ emitCss: true, compilerOptions: { css: 'external' } })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No data: URIs and no inline module-preload polyfill: every byte comes from a 'self' file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1' },
});
