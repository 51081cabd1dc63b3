/**
 * Names every test that passed only on a retry, with the error of the attempt that failed.
 *
 * e2e tests retry once in CI (vitest.config.ts): a real browser, a real server and real ffmpeg on a shared 2-core box
 * have timing that a single attempt cannot always hold. A retry must not hide anything, so each one is printed as a
 * `FLAKY` line (and `npm test` repeats those lines above its summary): a test that fails twice still fails the run.
 */
import type { Reporter, TestCase } from 'vitest/node';

export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(test: TestCase): void {
    const d = test.diagnostic();
    if (!d?.flaky) return;
    const first = test.result().errors?.[0]?.message?.split('\n')[0]?.slice(0, 300) ?? '(no error message)';
    const line = `FLAKY (passed on retry ${d.retryCount}): ${test.module.moduleId.replace(process.cwd() + '/', '')} > ${test.fullName} — first attempt: ${first}`;
    this.flaky.push(line);
    process.stdout.write(`${line}\n`);
  }

  onTestRunEnd(): void {
    if (this.flaky.length) process.stdout.write(`${this.flaky.length} test(s) passed only on a retry (the FLAKY lines above)\n`);
  }
}
