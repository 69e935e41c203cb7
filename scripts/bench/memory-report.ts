// The memory scenario's results, as JSON and as Markdown: each way of reading
// memory per screen, and what a screen's memory is made of by constructor.
import type { MemoryOptions } from './cli.js';
import type { MemoryResult } from './memory.js';
import { machineLine, writeReport, type Machine } from './report.js';

const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function memoryMarkdown(
  date: string,
  host: Machine,
  options: MemoryOptions,
  result: MemoryResult,
): string {
  const per = result.perScreenKb;
  return [
    `# Bench: memory per screen (${date})`,
    '',
    machineLine(host),
    `Flags: --screens ${options.screens} --step ${options.step} --classes ${options.classes} --athletes ${options.athletes} --tick ${options.tick} --settle ${options.settle} --encoding ${options.encoding}.`,
    '',
    'RSS here includes what writing the snapshots took (they are not returned to the system): the fan-out bench gives RSS per screen.',
    '',
    '| screens | gauge heap median / min (MB) | gauge RSS median (MB) | after GC: heap / RSS / external (MB) | snapshot, live objects (MB) |',
    '| ------- | ---------------------------- | --------------------- | ------------------------------------ | --------------------------- |',
    ...result.steps.map(
      (step) =>
        `| ${step.screens} | ${step.gauge.heapUsedMedianMb} / ${step.gauge.heapUsedMinMb} | ${step.gauge.rssMedianMb} | ` +
        `${step.afterGc.heapUsedMb} / ${step.afterGc.rssMb} / ${step.afterGc.externalMb} | ${step.snapshotMb} |`,
    ),
    '',
    'Per screen, from no screens to the last step (KiB):',
    '',
    '| gauge heap, median (no GC) | gauge heap, min | heap after GC | external after GC | heap snapshot |',
    '| -------------------------- | --------------- | ------------- | ----------------- | ------------- |',
    `| ${per.gaugeHeapMedian} | ${per.gaugeHeapMin} | ${per.afterGcHeap} | ${per.afterGcExternal} | **${per.snapshot}** |`,
    '',
    `Heap snapshot growth per screen between the last two steps: ${result.perScreenKbLastStep} KiB.`,
    '',
    'What a screen adds to the heap, by constructor (self sizes, per screen):',
    '',
    '| constructor | objects | bytes |',
    '| ----------- | ------- | ----- |',
    ...result.byConstructor.map(
      (group) =>
        `| ${group.name.replace(/\|/g, '\\|')} | ${fixed(group.perScreen)} | ${Math.round(group.bytesPerScreen)} |`,
    ),
    '',
  ].join('\n');
}

export function writeMemoryReport(options: MemoryOptions, result: MemoryResult): string[] {
  return writeReport('memory', options, result, (date, host) => memoryMarkdown(date, host, options, result));
}
