// The README and docs/ point only at things in the repository: every relative link
// reaches a file (and its heading, for a #anchor), and every Markdown file a page
// names exists here, so a reader never follows a reference out of the checkout.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const skippedDirs = new Set(['node_modules', 'dist', '.data', '.git']);

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return skippedDirs.has(entry.name) ? [] : walk(full);
    return [full];
  });
}

/** The text outside fenced code blocks, line by line (fenced lines become empty). */
function prose(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined && (fence === null || marker.startsWith(fence))) {
      fence = fence === null ? marker : null;
      return '';
    }
    return fence === null ? line : '';
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats numbered as GitHub does) and explicit ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = slugOf(heading);
      const count = seen.get(slug) ?? 0;
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
      seen.set(slug, count + 1);
    }
    for (const id of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id[1] ?? '');
  }
  return anchors;
}

/** The targets of inline links and images, `[text](target "title")`, outside code blocks. */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of prose(markdown)) {
    for (const link of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      targets.push(link[1] ?? '');
  }
  return targets;
}

/** What is wrong with one link of `from`, or null when it reaches what it names. */
function brokenLink(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto: …
  const [rawPath = '', anchor] = target.split('#', 2);
  const file = rawPath === '' ? from : path.resolve(path.dirname(from), decodeURIComponent(rawPath));
  if (rawPath.startsWith('/')) return `${target}: an absolute path, not a path in the repository`;
  const inRepo = path.relative(root, file);
  if (inRepo.startsWith('..')) return `${target}: outside the repository`;
  if (!fs.existsSync(file)) return `${target}: no such file`;
  if (anchor === undefined || anchor === '' || !file.endsWith('.md')) return null;
  return anchorsOf(fs.readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))
    ? null
    : `${target}: no heading with anchor #${anchor} in ${inRepo}`;
}

const files = walk(root);
const markdownFiles = files.filter((file) => file.endsWith('.md'));
const markdownNames = new Set(markdownFiles.map((file) => path.basename(file)));
const docs = [
  path.join(root, 'README.md'),
  ...walk(path.join(root, 'docs')).filter((f) => f.endsWith('.md')),
];

/** Markdown files a page names in its text (`DOMAIN.md`, `docs/events.md`) that are nowhere in the repository. */
function missingNamedFiles(from: string, markdown: string): string[] {
  const named = markdown.match(/[\w./-]*\w\.md\b/g) ?? [];
  return named.filter((name) => {
    if (name.includes('/')) {
      return ![path.resolve(path.dirname(from), name), path.resolve(root, name)].some((f) =>
        fs.existsSync(f),
      );
    }
    return !markdownNames.has(name);
  });
}

describe('links in the README and docs/', () => {
  it('finds the pages to check', () => {
    expect(docs.map((file) => path.relative(root, file))).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/contracts/rest.md']),
    );
  });

  it('every relative link reaches a file in the repository, and its heading when it names one', () => {
    const broken = docs.flatMap((file) =>
      linkTargets(fs.readFileSync(file, 'utf8')).flatMap((target) => {
        const problem = brokenLink(file, target);
        return problem === null ? [] : [`${path.relative(root, file)}: ${problem}`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('no page names a Markdown file that is not in the repository', () => {
    const missing = docs.flatMap((file) =>
      missingNamedFiles(file, fs.readFileSync(file, 'utf8')).map(
        (name) => `${path.relative(root, file)}: ${name}`,
      ),
    );
    expect(missing).toEqual([]);
  });

  it('computes anchors and finds links as GitHub does', () => {
    const page = [
      '# Title',
      '## `timer:state`',
      '## Timer events (subject `evt.session.<sessionId>.timer`, stream `EVENTS`)',
      '## Notes',
      '## Notes',
      '```sh',
      '# not a heading [nor](a-link.md)',
      '```',
      'See [a](other.md#x) and [`b`](../c.ts "title") and ![img](d.png).',
    ].join('\n');
    expect([...anchorsOf(page)]).toEqual([
      'title',
      'timerstate',
      'timer-events-subject-evtsessionsessionidtimer-stream-events',
      'notes',
      'notes-1',
    ]);
    expect(linkTargets(page)).toEqual(['other.md#x', '../c.ts', 'd.png']);
    expect(brokenLink(path.join(root, 'README.md'), 'docs/nothing-here.md')).toContain('no such file');
    expect(brokenLink(path.join(root, 'README.md'), 'docs/architecture.md#no-such-heading')).toContain(
      'no heading',
    );
    expect(brokenLink(path.join(root, 'README.md'), '/work/shared/design/DOMAIN.md')).toContain('absolute');
    expect(missingNamedFiles(path.join(root, 'README.md'), 'as `DOMAIN.md` says')).toEqual(['DOMAIN.md']);
  });
});
