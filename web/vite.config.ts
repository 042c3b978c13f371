import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The UI is built into web/dist, which `trailhound serve` serves at /. `npm run dev` serves it
 * with hot reload and sends /api to a running `trailhound serve` (TRAILHOUND_API, default :8080).
 */
export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': process.env.TRAILHOUND_API ?? 'http://127.0.0.1:8080' } },
});
