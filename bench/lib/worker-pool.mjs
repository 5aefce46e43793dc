import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** Forked load-generator processes, kept for the whole run so their start-up cost stays out of the figures. */
export class WorkerPool {
  constructor(count) {
    this.workers = Array.from({ length: count }, () => fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    for (const w of this.workers)
      w.on('exit', (code) => {
        if (code && !this.closing) console.error(`bench worker ${w.pid} exited with ${code}`);
      });
  }

  get pids() {
    return this.workers.map((w) => w.pid);
  }

  /** Sends one task per worker and resolves to their answers of `type`; rejects on a worker error or after `timeoutMs`. */
  runAll(tasks, timeoutMs, type = 'done') {
    return Promise.all(this.workers.map((w, n) => this.ask(w, tasks[n], type, timeoutMs)));
  }

  /** Sends `message` and waits for the next message of `type` from this worker. */
  ask(worker, message, type, timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`worker ${worker.pid}: no '${type}' within ${timeoutMs} ms`));
      }, timeoutMs);
      const onMessage = (m) => {
        if (m.type === 'error') {
          cleanup();
          reject(new Error(`worker ${worker.pid}: ${m.message}`));
        } else if (m.type === type) {
          cleanup();
          resolve(m);
        }
      };
      const onExit = (code) => {
        cleanup();
        reject(new Error(`worker ${worker.pid} exited (${code}) before '${type}'`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      if (message) worker.send(message);
    });
  }

  waitAll(type, timeoutMs) {
    return Promise.all(this.workers.map((w) => this.ask(w, null, type, timeoutMs)));
  }

  askAll(message, type, timeoutMs) {
    return Promise.all(this.workers.map((w) => this.ask(w, message, type, timeoutMs)));
  }

  broadcast(message) {
    for (const w of this.workers) w.send(message);
  }

  close() {
    this.closing = true;
    for (const w of this.workers) if (w.exitCode === null) w.kill('SIGTERM');
  }
}

/** Splits [0, total) into `parts` contiguous ranges. */
export function ranges(total, parts) {
  return Array.from({ length: parts }, (_, n) => [Math.floor((total * n) / parts), Math.floor((total * (n + 1)) / parts)]);
}
