import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves the console under its context path; assets are content-hashed, so it caches them for a year.
export default defineConfig({
  base: '/nacos/',
  plugins: [react()],
  build: {
    outDir: 'dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Tests and the app's own type-check output live beside it in dist/; only dist/web is served.
    reportCompressedSize: true,
  },
});
