/**
 * Last-in-first-out cleanup for everything the bench starts (RTSP server, Watchpost, Chromium,
 * temp dirs). Runs on normal exit, on errors (try/finally) and on Ctrl-C / SIGTERM.
 */

type Fn = () => Promise<void> | void;

export class Cleanup {
  private stack: { name: string; fn: Fn }[] = [];
  private running: Promise<void> | undefined;

  /** Register fn; returns a function that runs it now (once) and unregisters it. */
  add(name: string, fn: Fn): () => Promise<void> {
    const entry = { name, fn };
    this.stack.push(entry);
    return async () => {
      const i = this.stack.indexOf(entry);
      if (i < 0) return;
      this.stack.splice(i, 1);
      await runOne(entry);
    };
  }

  runAll(): Promise<void> {
    this.running ??= (async () => {
      while (this.stack.length) await runOne(this.stack.pop()!);
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM: clean up, then exit (130 / 143). A second signal exits at once. */
  installSignalHandlers(log: (msg: string) => void): void {
    let caught = false;
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.on(sig, () => {
        if (caught) process.exit(sig === 'SIGINT' ? 130 : 143);
        caught = true;
        log(`${sig}: stopping everything the bench started…`);
        void this.runAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
      });
    }
  }
}

async function runOne(entry: { name: string; fn: Fn }): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(entry.fn),
      new Promise<void>((_r, reject) => {
        timer = setTimeout(() => reject(new Error('timed out after 20 s')), 20_000);
      }),
    ]);
  } catch (e) {
    process.stderr.write(`[bench] cleanup "${entry.name}" failed: ${(e as Error).message}\n`);
  } finally {
    clearTimeout(timer);
  }
}
