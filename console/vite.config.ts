import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console bundles the contracts' TypeScript source, so the browser validates with the API's own schemas.
export default defineConfig({
  base: '/',
  plugins: [react()],
  resolve: {
    alias: { '@fivestar/contracts': fileURLToPath(new URL('../contracts/src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
