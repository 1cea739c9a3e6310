/**
 * One action at a time: while a submit is on its way, another is ignored (a double click
 * creates one task, not two). A disabled button is not enough: both clicks of a double click
 * can arrive before React has drawn the button disabled.
 */
export class Gate {
  private busy = false;

  get open(): boolean {
    return !this.busy;
  }

  /** Runs ``work`` unless an earlier one is still running (then answers undefined, at once). */
  async run<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }
}
