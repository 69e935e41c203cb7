// Builds the web app into dist/web, which the API serves on its own port.
// Preact's JSX is compiled by Vite's own transformer (no Babel preset);
// `#contracts` and `#domain` are the shared libraries' sources, so the pages use
// the same zod schemas, types and timer program as the services.
import path from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  resolve: {
    alias: {
      '#contracts': path.resolve(root, '../../libs/contracts/src/index.ts'),
      '#domain': path.resolve(root, '../../libs/domain/src/index.ts'),
    },
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: path.resolve(root, '../../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
  },
});
