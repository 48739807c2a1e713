import { defineConfig } from 'vite';

// The console is served by the control plane at /console/ (its own WAR in the EAR); the build
// goes to the Maven module's target/frontend, which the WAR packs. No inline scripts or styles:
// the pages run under a CSP without 'unsafe-inline'.
export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../../target/frontend',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
