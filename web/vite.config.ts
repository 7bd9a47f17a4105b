import { defineConfig } from 'vite';
import path from 'node:path';

// The console is a static single-page app served by the API server (api/console.ts) at `/`.
// JSX is compiled by Vite's own transformer (automatic runtime), so no framework plugin is needed.
export default defineConfig({
  root: __dirname,
  base: '/',
  publicDir: path.join(__dirname, 'public'),
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(__dirname, 'dist'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    sourcemap: false,
    rollupOptions: {
      // antd's "use client" directives mean nothing in a client-only bundle
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npx vite --config web/vite.config.ts` for development: the API of a running `npm start`
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}`, '/healthz': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
