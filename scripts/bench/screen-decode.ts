// Builds the screen bench's baseline page (screen-decode-page.ts) with Vite
// into one script the bench adds to a blank page.
import path from 'node:path';
import { build } from 'vite';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** The decode-only page as one IIFE script, minified as the web app's build is. */
export async function decodeOnlyScript(): Promise<string> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    resolve: { alias: { '#contracts': path.join(root, 'libs/contracts/src/index.ts') } },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      lib: {
        entry: path.join(root, 'scripts/bench/screen-decode-page.ts'),
        formats: ['iife'],
        name: 'hrmDecodeOnly',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((file) => file.type === 'chunk');
    if (chunk?.type === 'chunk') return chunk.code;
  }
  throw new Error('Vite built no script for the decode-only page');
}
