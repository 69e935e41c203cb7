// Logs of code a test runs in its own process. A test that provokes failures
// makes that code log errors on purpose: those lines are kept for the test to
// read and printed only with HRM_TEST_VERBOSE (as the stack's service output),
// so `npm test` shows what failed, not what was expected to.
import { createLogger, type Logger } from '#config';

export interface TestLogger {
  logger: Logger;
  /** Every line written so far (JSON), oldest first. */
  lines: string[];
}

export function testLogger(
  service = 'test',
  level: Parameters<typeof createLogger>[1] = 'debug',
): TestLogger {
  const lines: string[] = [];
  const verbose = Boolean(process.env.HRM_TEST_VERBOSE);
  const logger = createLogger(service, level, {}, (line) => {
    lines.push(line);
    if (verbose) process.stdout.write(`[${service}] ${line}\n`);
  });
  return { logger, lines };
}
