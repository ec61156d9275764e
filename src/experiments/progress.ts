/**
 * Progress reporting for long phases: a cli-progress bar with ETA on an interactive terminal, plain
 * occasional lines otherwise, nothing with --quiet or --json (machine output stays clean on stdout;
 * progress always goes to stderr).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  start(label: string, total: number): void;
  update(value: number, info?: string): void;
  stop(): void;
  log(message: string): void;
}

export function createProgress(mode: 'auto' | 'quiet'): Progress {
  if (mode === 'quiet') {
    return { start() {}, update() {}, stop() {}, log() {} };
  }
  if (!process.stderr.isTTY) return lineProgress();
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(label, total) {
      bar?.stop();
      bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(22)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {info}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { info: '' });
    },
    update(value, info = '') {
      bar?.update(value, { info });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
    log(message) {
      process.stderr.write(`${message}\n`);
    },
  };
}

/** Non-TTY progress: one line when a phase starts, then at most every 10% or 15 s. */
function lineProgress(): Progress {
  let label = '';
  let total = 0;
  let lastPct = -1;
  let lastTime = 0;
  return {
    start(l, t) {
      label = l;
      total = t;
      lastPct = -1;
      lastTime = Date.now();
      process.stderr.write(`${label}: 0/${total}\n`);
    },
    update(value, info = '') {
      const pct = Math.floor((10 * value) / Math.max(total, 1));
      const now = Date.now();
      if (pct > lastPct || now - lastTime > 15_000) {
        lastPct = pct;
        lastTime = now;
        process.stderr.write(`${label}: ${value}/${total}${info ? ` ${info}` : ''}\n`);
      }
    },
    stop() {},
    log(message) {
      process.stderr.write(`${message}\n`);
    },
  };
}
