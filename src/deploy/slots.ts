/**
 * At most `limit` holders at once, each waiting one getting a slot in the order it asked; a limit
 * of 0 means no limit. A group's runs in flight (maxConcurrent), and the engine harness's workers
 * (`pulumi up --parallel`).
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Resolves once a worker is free; call the function it gives to free the worker again. */
  async acquire(): Promise<() => void> {
    if (this.limit > 0 && this.running >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The worker passes straight to the next waiter, so `running` stays as it is.
      if (next) next();
      else this.running--;
    };
  }
}
