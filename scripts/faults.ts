// The project's fault suite: `npm run faults -- <scenario> [flags]` (docs/RELIABILITY.md).
// Each scenario starts a stack of its own, breaks it, and prints its pass
// criteria; the exit code is 1 when one failed.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseFaultsArgs, USAGE, killTargets, type FuzzOptions, type KillOptions } from './faults/cli.js';
import { runFuzz } from './faults/fuzz.js';
import { runKill } from './faults/kill.js';
import { writeFuzzReport, writeKillReport } from './faults/report.js';

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const parsed = parseFaultsArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`faults: ${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  const started = Date.now();
  const progress = (line: string) =>
    process.stderr.write(`[faults ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
  const print = (files: string[]) => {
    const markdown = files.find((file) => file.endsWith('.md'));
    if (markdown !== undefined) process.stdout.write(fs.readFileSync(markdown, 'utf8') + '\n');
    progress(`written ${files.join(', ')}`);
  };
  const kill = async (target: (typeof killTargets)[number], options: KillOptions) => {
    const result = await runKill(target, options, progress);
    print(writeKillReport(options, result));
    return result.passed;
  };
  const fuzz = async (options: FuzzOptions) => {
    const result = await runFuzz(options, progress);
    print(writeFuzzReport(options, result));
    return result.passed;
  };
  try {
    const command = parsed.value;
    let passed: boolean;
    if (command.scenario === 'kill') passed = await kill(command.target, command.options);
    else if (command.scenario === 'fuzz') passed = await fuzz(command.options);
    else {
      passed = true;
      for (const target of killTargets) passed = (await kill(target, command.kill)) && passed;
      passed = (await fuzz(command.fuzz)) && passed;
    }
    progress(passed ? 'passed' : 'FAILED: see the criteria above');
    return passed ? 0 : 1;
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  process.exitCode = await main();
  // Sockets and NATS clients of a failed run must not keep the process alive.
  process.exit();
}
