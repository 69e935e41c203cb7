import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from '@jest/globals';
import { entryScriptOf, screenPageJs, staticImportsOf } from './screen-page-js.js';

describe("the class screen's JavaScript, from the built app", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hrm-page-js-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads static imports, not dynamic ones', () => {
    expect(
      staticImportsOf(
        'import{a as e,b as t}from"./index-A.js";import"./side-B.js";const p=()=>import(`./lazy-C.js`);',
      ),
    ).toEqual(['./index-A.js', './side-B.js']);
    expect(entryScriptOf('<script type="module" crossorigin src="/assets/index-A.js"></script>')).toBe(
      'assets/index-A.js',
    );
  });

  it('counts the entry, the screen chunk and what they import, each once, gzipped', () => {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    };
    write('index.html', '<script type="module" crossorigin src="/assets/index-A.js"></script>');
    write(
      'assets/index-A.js',
      'import"./vendor-V.js";const s=()=>import(`./screen-S.js`),r=()=>import(`./report-R.js`);',
    );
    write('assets/vendor-V.js', 'export const v=1;');
    write(
      'assets/screen-S.js',
      'import{v}from"./vendor-V.js";import{x}from"./index-A.js";export const s=v+x;',
    );
    write('assets/screen-S.js.map', JSON.stringify({ sources: ['../../../apps/web/src/pages/screen.tsx'] }));
    write('assets/report-R.js', 'export const r="a big chart";');
    write('assets/report-R.js.map', JSON.stringify({ sources: ['../../../apps/web/src/pages/report.tsx'] }));
    const js = screenPageJs(dir);
    expect(js.scripts.map((script) => script.file)).toEqual([
      'assets/index-A.js',
      'assets/vendor-V.js',
      'assets/screen-S.js',
    ]);
    const gzip = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(dir, file))).length;
    expect(js.gzipBytes).toBe(
      gzip('assets/index-A.js') + gzip('assets/vendor-V.js') + gzip('assets/screen-S.js'),
    );
  });
});
