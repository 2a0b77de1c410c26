// Progress on standard error: a redrawn bar on a terminal, plain lines when piped.
//
// Hand-written rather than cli-progress: result lines go to stdout while the bar is on stderr,
// and the bar must be cleared before each of them and drawn again after, which that library's
// single bar cannot do.

export interface Progress {
  tick(event: { input: string; k: number; done: number; total: number }): void;
  /** Writes a line (to `stream`, default standard error) without garbling the bar. */
  log(text: string, stream?: NodeJS.WritableStream): void;
  stop(): void;
}

const WIDTH = 24;

/** `ticks: false` (--no-progress): no bar and no progress lines, only the lines logged. */
export function makeProgress(stderr: NodeJS.WriteStream, total: number, ticks = true): Progress {
  const tty = Boolean(stderr.isTTY) && process.env.TERM !== 'dumb';
  let bar = '';
  const clear = () => {
    if (tty && bar) stderr.write('\r\x1b[2K');
  };
  const draw = () => {
    if (tty && bar) stderr.write(bar);
  };
  return {
    tick({ input, k, done }) {
      if (total < 2 || !ticks) return;
      if (!tty) {
        // Not `kquant: `, which starts errors and warnings: a log can be searched for those.
        stderr.write(`kquant [${done}/${total}] ${input} K=${k}\n`);
        return;
      }
      const filled = Math.round((WIDTH * done) / total);
      clear();
      bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${done}/${total} ${input} K=${k}`;
      // One line of the terminal at most: `\r` and clearing the line redraw one line only.
      const columns = stderr.columns;
      if (columns && bar.length > columns - 1) bar = `${bar.slice(0, Math.max(0, columns - 2))}…`;
      draw();
    },
    log(text, stream = stderr) {
      clear();
      stream.write(`${text}\n`);
      draw();
    },
    stop() {
      clear();
      bar = '';
    },
  };
}
