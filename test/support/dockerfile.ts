// The Dockerfile and .dockerignore as data, for tests on a machine with no
// container engine: a parser of the instructions, Docker's ignore rules, and a
// replay of the stages in temporary directories with the local Node (see
// test/dockerfile-replay.spec.ts for what it can and cannot stand in for).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [op = '', ...rest] = line.split(/\s+/);
    const instruction = { op: op.toUpperCase(), args: rest.join(' ') };
    if (instruction.op === 'FROM') {
      const words = rest.filter((word) => !word.startsWith('--'));
      const from = (words[0] ?? '').replace(
        /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
        (_match, name: string) => args[name] ?? '',
      );
      const as = words.findIndex((word) => word.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? words[as + 1] : undefined, from, instructions: [] });
    } else if (stages.length === 0) {
      // ARGs before the first FROM parameterise the FROM lines.
      const match =
        instruction.op === 'ARG' ? /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(instruction.args) : null;
      if (match?.[1]) args[match[1]] = match[2] ?? '';
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

export function execForm(args: string): string[] {
  return args.startsWith('[') ? z.array(z.string()).parse(JSON.parse(args)) : ['/bin/sh', '-c', args];
}

// ---------------------------------------------------------------------------
// .dockerignore, as Docker reads it (moby/patternmatcher): one pattern a line,
// `#` comments, `!` re-includes, `**` any number of directories; a path is left
// out when the last pattern matching it or one of its parent directories is
// not a `!` one.

interface IgnoreRule {
  pattern: RegExp;
  exclude: boolean;
}

function globToRegExp(glob: string): RegExp {
  let source = '^';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] ?? '';
    if (char === '*' && glob[index + 1] === '*') {
      index += 1;
      if (glob[index + 1] === '/') {
        index += 1;
        source += '(?:.*/)?';
      } else source += '.*';
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${source}$`);
}

export class DockerIgnore {
  private constructor(private readonly rules: IgnoreRule[]) {}

  static parse(text: string): DockerIgnore {
    const rules = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => {
        const exclude = !line.startsWith('!');
        const glob = path.posix.normalize((exclude ? line : line.slice(1)).trim()).replace(/^\/+|\/+$/g, '');
        return { pattern: globToRegExp(glob), exclude };
      });
    return new DockerIgnore(rules);
  }

  /** Whether `relative` (a path inside the context, with `/`) stays out of the context. */
  excludes(relative: string): boolean {
    const parts = relative.split('/');
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let excluded = false;
    for (const rule of this.rules) {
      if (candidates.some((candidate) => rule.pattern.test(candidate))) excluded = rule.exclude;
    }
    return excluded;
  }

  /** True when some `!` rule could bring back a path under an excluded directory. */
  get hasExceptions(): boolean {
    return this.rules.some((rule) => !rule.exclude);
  }
}

/**
 * Copies the build context (`root` minus what `ignore` leaves out) to `target`,
 * symlinks as symlinks like Docker's client; returns the paths it copied.
 */
export function copyContext(root: string, ignore: DockerIgnore, target: string): string[] {
  const copied: string[] = [];
  const walk = (relative: string) => {
    const from = path.join(root, relative);
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const excluded = ignore.excludes(child);
      if (excluded && !(entry.isDirectory() && ignore.hasExceptions)) continue;
      const source = path.join(root, child);
      const destination = path.join(target, child);
      if (entry.isDirectory()) {
        walk(child);
      } else if (!excluded) {
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), destination);
        else fs.copyFileSync(source, destination);
        copied.push(child);
      }
    }
  };
  fs.mkdirSync(target, { recursive: true });
  walk('');
  return copied;
}

// ---------------------------------------------------------------------------
// The replay.

export interface ReplayedStage {
  name: string;
  /** A temporary directory standing for the image's `/`. */
  root: string;
  /** WORKDIR, as a path in the image. */
  workdir: string;
  /** ENV, with paths in the image turned into paths under `root`. */
  env: Record<string, string>;
  cmd: string[];
  /** Steps the replay did not run, and why. */
  skipped: string[];
}

export interface ReplayOptions {
  /** The build context, already filtered by .dockerignore. */
  context: string;
  /** Where the stages' directories go. */
  workspace: string;
  /** The environment every RUN starts from (PATH with the local Node, HOME for npm's cache). */
  baseEnv: Record<string, string>;
  /**
   * RUN steps that cannot run on this machine, with the reason; each is
   * skipped and listed in `skipped`. Anything else must run and succeed.
   */
  cannotRun: (command: string) => string | null;
  /** Called before each step, e.g. to log progress. */
  onStep?: (stage: string, instruction: Instruction) => void;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

/** A path in the image (absolute, or relative to WORKDIR) as a path on this machine. */
export function hostPath(stage: Pick<ReplayedStage, 'root' | 'workdir'>, imagePath: string): string {
  return path.join(stage.root, path.posix.resolve(stage.workdir, imagePath));
}

function parseEnv(args: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|'([^']*)'|(\S*))/g;
  for (const match of args.matchAll(pattern)) {
    pairs.push([match[1] ?? '', match[2] ?? match[3] ?? match[4] ?? '']);
  }
  if (pairs.length === 0) throw new ReplayError(`ENV ${args}: only the KEY=value form is replayed`);
  return pairs;
}

/** `cp -a` (or hard links with `link`, for the large trees between stages), contents of a directory. */
function copyTree(source: string, destination: string, link: boolean): void {
  const isDirectory = fs.statSync(source).isDirectory();
  fs.mkdirSync(isDirectory ? destination : path.dirname(destination), { recursive: true });
  const from = isDirectory ? `${source}/.` : source;
  const result = spawnSync('cp', [link ? '-al' : '-a', from, isDirectory ? `${destination}/` : destination]);
  if (result.status !== 0) throw new ReplayError(`cp ${source} ${destination}: ${result.stderr.toString()}`);
}

function runShell(
  command: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', (error) => resolve({ code: null, output: error.message }));
    child.once('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Replays every stage in order; throws a ReplayError naming the step that failed. */
export async function replay(stages: Stage[], options: ReplayOptions): Promise<Map<string, ReplayedStage>> {
  const done = new Map<string, ReplayedStage>();
  for (const [index, stage] of stages.entries()) {
    const name = stage.name ?? `stage-${index}`;
    const base = done.get(stage.from);
    const root = path.join(options.workspace, name);
    if (base) copyTree(base.root, root, true);
    else fs.mkdirSync(root, { recursive: true });
    const current: ReplayedStage = {
      name,
      root,
      workdir: base?.workdir ?? '/',
      env: { ...base?.env },
      cmd: [...(base?.cmd ?? [])],
      skipped: [],
    };
    for (const instruction of stage.instructions) {
      options.onStep?.(name, instruction);
      const where = `${name}: ${instruction.op} ${instruction.args}`;
      switch (instruction.op) {
        case 'WORKDIR':
          current.workdir = path.posix.resolve(current.workdir, instruction.args);
          fs.mkdirSync(hostPath(current, '.'), { recursive: true });
          break;
        case 'ENV':
          for (const [key, value] of parseEnv(instruction.args)) {
            // A path in the image is that path under the stage's directory here.
            current.env[key] = value.startsWith('/') ? path.join(root, value) : value;
          }
          break;
        case 'COPY':
          copyStep(current, instruction.args, done, options.context, where);
          break;
        case 'RUN': {
          const reason = options.cannotRun(instruction.args);
          if (reason !== null) {
            current.skipped.push(`RUN ${instruction.args}: ${reason}`);
            break;
          }
          const result = await runShell(instruction.args, hostPath(current, '.'), {
            ...options.baseEnv,
            ...current.env,
          });
          if (result.code !== 0) {
            throw new ReplayError(`${where} exited with ${result.code}:\n${result.output.slice(-4000)}`);
          }
          break;
        }
        case 'CMD':
          current.cmd = execForm(instruction.args);
          break;
        case 'USER':
        case 'EXPOSE':
        case 'ARG':
        case 'LABEL':
          // Who runs it and what it announces change no file: checked by test/compose.spec.ts.
          break;
        default:
          throw new ReplayError(`${where}: the replay does not know ${instruction.op}`);
      }
    }
    done.set(name, current);
  }
  return done;
}

function copyStep(
  stage: ReplayedStage,
  args: string,
  done: Map<string, ReplayedStage>,
  context: string,
  where: string,
): void {
  const words = args.split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const fromFlag = flags.find((flag) => flag.startsWith('--from='))?.slice('--from='.length);
  const destination = paths.pop();
  if (destination === undefined || paths.length === 0)
    throw new ReplayError(`${where}: no source or destination`);
  if (paths.some((source) => /[*?[]/.test(source)))
    throw new ReplayError(`${where}: wildcards are not replayed`);
  const from = fromFlag === undefined ? null : done.get(fromFlag);
  if (from === undefined) throw new ReplayError(`${where}: no earlier stage ${fromFlag ?? ''}`);
  const intoDirectory = destination.endsWith('/') || paths.length > 1;
  const target = hostPath(stage, destination);
  for (const source of paths) {
    const sourcePath =
      from === null ? path.join(context, path.posix.normalize(source)) : hostPath(from, source);
    if (from === null && !path.resolve(sourcePath).startsWith(path.resolve(context))) {
      throw new ReplayError(`${where}: ${source} is outside the build context`);
    }
    if (!fs.existsSync(sourcePath)) {
      throw new ReplayError(
        `${where}: ${source} is not in ${from === null ? 'the build context (see .dockerignore)' : `stage ${fromFlag ?? ''}`}`,
      );
    }
    const isDirectory = fs.statSync(sourcePath).isDirectory();
    const destinationPath =
      intoDirectory && !isDirectory ? path.join(target, path.basename(sourcePath)) : target;
    // Between stages the large trees (node_modules) are hard-linked: nothing writes to them after.
    copyTree(sourcePath, destinationPath, from !== null);
  }
}
