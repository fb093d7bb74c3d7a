import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// Entry pages: the storefront (index.html); the merchant dashboard gets its own
// entry so that shoppers never download the dashboard's chart code.
export default defineConfig({
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2020',
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'index.html'),
        admin: resolve(__dirname, 'admin.html'),
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
