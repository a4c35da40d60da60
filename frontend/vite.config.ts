import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// `npm run dev` serves the UI on :5173 and proxies /api to a running fugong
// (FUGONG_URL, default http://127.0.0.1:8080), so cookies and CSRF work as in
// production. `npm run build` writes dist/ with stable file names: the build
// is byte-for-byte reproducible and scripts/ui-build-check.sh compares it with
// the committed copy that frontend/embed.go embeds.
export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: { '/api': (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FUGONG_URL || 'http://127.0.0.1:8080' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        entryFileNames: 'assets/app.js',
        chunkFileNames: 'assets/[name].js',
        assetFileNames: 'assets/[name][extname]',
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
});
