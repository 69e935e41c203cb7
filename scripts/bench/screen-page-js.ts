// What JavaScript the class screen downloads, from the built web app
// (dist/web): the entry script of index.html, the screen page's chunk (the one
// built from pages/screen.tsx, found by its source map), and every chunk they
// import statically, each counted once; sizes raw and gzipped (zlib's default
// level, as a server would send them).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { z } from 'zod';

export interface PageScript {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface PageJs {
  scripts: PageScript[];
  bytes: number;
  gzipBytes: number;
}

const sourceMap = z.object({ sources: z.array(z.string()) });

/** `import{a as b}from"./x.js"` and `import"./x.js"`, not `import("./x.js")`. */
const STATIC_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\/[^"']+\.js)["']/g;

export function staticImportsOf(code: string): string[] {
  return [...code.matchAll(STATIC_IMPORT)].flatMap((match) => (match[1] === undefined ? [] : [match[1]]));
}

/** The `src` of index.html's module script, relative to the web root. */
export function entryScriptOf(html: string): string {
  const src = /<script[^>]*type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
  if (src === undefined) throw new Error('index.html has no module script');
  return src;
}

/** The built chunk (relative to the web root) whose source map lists `source`. */
export function chunkBuiltFrom(webDir: string, source: string): string {
  const assets = path.join(webDir, 'assets');
  for (const file of fs.readdirSync(assets)) {
    if (!file.endsWith('.js.map')) continue;
    const map = sourceMap.safeParse(JSON.parse(fs.readFileSync(path.join(assets, file), 'utf8')));
    if (map.success && map.data.sources.some((listed) => listed.endsWith(source))) {
      return `assets/${file.slice(0, -'.map'.length)}`;
    }
  }
  throw new Error(`no chunk of ${webDir} is built from ${source}`);
}

/** The scripts of `roots` and of everything they import statically, each once. */
export function pageJs(webDir: string, roots: readonly string[]): PageJs {
  const seen = new Set<string>();
  const scripts: PageScript[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(path.join(webDir, file));
    scripts.push({ file, bytes: code.length, gzipBytes: zlib.gzipSync(code).length });
    for (const imported of staticImportsOf(code.toString('utf8'))) {
      visit(path.posix.join(path.posix.dirname(file), imported));
    }
  };
  for (const root of roots) visit(root);
  return {
    scripts,
    bytes: scripts.reduce((sum, script) => sum + script.bytes, 0),
    gzipBytes: scripts.reduce((sum, script) => sum + script.gzipBytes, 0),
  };
}

/** The class screen's JavaScript in the built app at `webDir` (dist/web). */
export function screenPageJs(webDir: string): PageJs {
  const entry = entryScriptOf(fs.readFileSync(path.join(webDir, 'index.html'), 'utf8'));
  return pageJs(webDir, [entry, chunkBuiltFrom(webDir, 'apps/web/src/pages/screen.tsx')]);
}
