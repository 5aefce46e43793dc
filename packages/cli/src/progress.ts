const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
// Fast enough to look alive, slow enough not to flood a remote terminal.
const FRAME_MS = 80;

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

/**
 * A spinner on stderr with what is being done ("checking dns …"). It draws only on a terminal, so stdout stays
 * clean for `--json` and pipes, and logs never fill with frames. `done()` erases the line.
 */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private label = '';

  constructor(private readonly sink: ProgressSink) {}

  /** Shows (or replaces) the current activity. */
  update(label: string): void {
    if (!this.sink.isTTY) return;
    this.label = label;
    this.draw();
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), FRAME_MS);
      this.timer.unref();
    }
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.sink.isTTY && this.label !== '') this.sink.write('\r\x1b[2K');
    this.label = '';
  }

  /** Runs `work` while the spinner shows `label`. */
  async around<T>(label: string, work: () => Promise<T>): Promise<T> {
    this.update(label);
    try {
      return await work();
    } finally {
      this.done();
    }
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    this.sink.write(`\r\x1b[2K${FRAMES[this.frame]} ${this.label}`);
  }
}
