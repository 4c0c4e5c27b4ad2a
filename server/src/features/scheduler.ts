/**
 * Runs validation with no fixed debounce: at once when the document was
 * quiet; while a run is in flight, further requests for the same document
 * collapse into one follow-up run on the latest text.
 */
export class ValidationScheduler {
  private readonly running = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly queued = new Set<string>();

  constructor(private readonly run: (uri: string) => Promise<void>) {}

  request(uri: string): void {
    if (this.running.has(uri)) {
      this.pending.add(uri);
      return;
    }
    if (this.queued.has(uri)) return;
    this.queued.add(uri);
    // setImmediate lets every change already read from the pipe be applied first.
    setImmediate(() => {
      this.queued.delete(uri);
      void this.start(uri);
    });
  }

  forget(uri: string): void {
    this.pending.delete(uri);
  }

  private async start(uri: string): Promise<void> {
    this.running.add(uri);
    try {
      await this.run(uri);
    } catch (err) {
      console.error(`validation of ${uri} failed: ${err instanceof Error ? err.stack : String(err)}`);
    } finally {
      this.running.delete(uri);
    }
    if (this.pending.delete(uri)) this.request(uri);
  }
}
