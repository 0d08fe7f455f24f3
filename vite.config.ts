import { defineConfig } from 'vite';

// The UI is a static bundle served by the relay (relay/main.ts) from dist/.
export default defineConfig({
  build: { outDir: 'dist', target: 'es2022', sourcemap: true },
  worker: { format: 'es' },
});
