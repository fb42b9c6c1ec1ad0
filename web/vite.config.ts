import { defineConfig } from 'vite';

// `npm run dev` / `npm run preview` send the API to a running dzvin (DZVIN_API, default the
// web port of `dzvin demo`). The built app in dist/ is served by dzvin itself: same origin, no
// proxy.
const api = process.env.DZVIN_API || 'http://127.0.0.1:8080';
const proxy = {
  '/api': { target: api, ws: true },
  '/media': { target: api },
};

export default defineConfig({
  // Preact's JSX through Vite's own esbuild: no Babel preset needed.
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  server: { host: '127.0.0.1', proxy },
  preview: { host: '127.0.0.1', proxy },
});
