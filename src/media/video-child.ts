/**
 * One ffmpeg or ffprobe child process that is always reaped. Its stdout is read by the caller
 * (so the pipe's backpressure paces the decoder), its stderr is kept (capped) for the error
 * message, and `stop()` kills it and waits until the operating system has collected it, so no
 * process, not even a zombie, outlives the call that started it. If this process is itself
 * interrupted (Ctrl-C, SIGTERM, SIGHUP) while children run, they are killed first: a decoder
 * left behind would go on reading the video with no one to stop it.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { KhienError } from '../errors/index.js';

const STDERR_CAP = 64 * 1024;

/** The signals whose default action ends this process without running any cleanup. */
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Children started here that have not exited yet. */
const running = new Set<ChildProcessByStdio<null, Readable, Readable>>();

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running child with its captured stderr. */
export class VideoChild {
  readonly process: ChildProcessByStdio<null, Readable, Readable>;
  /** Settles once the child has exited and its pipes are closed. */
  readonly exited: Promise<ChildExit>;
  private stderrText = '';

  /** Starts `file args`; the child dies with `signal`. */
  constructor(file: string, args: readonly string[], signal?: AbortSignal) {
    this.process = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(this.process);
    this.exited = new Promise((resolve) => {
      this.process.once('close', (code, sig) => resolve({ code, signal: sig }));
      // A binary that cannot start never emits 'close' reliably; it has no process to reap.
      this.process.once('error', () => {
        if (this.process.pid === undefined) resolve({ code: null, signal: null });
      });
    });

    this.process.stderr.setEncoding('utf8');
    this.process.stderr.on('data', (text: string) => {
      if (this.stderrText.length < STDERR_CAP) this.stderrText += text;
    });

    if (signal !== undefined) {
      const onAbort = () => this.process.kill('SIGKILL');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      void this.exited.then(() => signal.removeEventListener('abort', onAbort));
    }
  }

  /** Operating-system process id (undefined when the spawn itself failed). */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** What the child wrote on stderr, trimmed. */
  get stderr(): string {
    return this.stderrText.trim();
  }

  /** Kills the child if it still runs and waits until it is reaped. */
  async stop(): Promise<ChildExit> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
    }
    this.process.stdout.destroy();
    return this.exited;
  }
}

/** Keeps `child` in `running` until it exits, with the signal handlers armed meanwhile. */
function track(child: ChildProcessByStdio<null, Readable, Readable>): void {
  if (child.pid === undefined) return;
  if (running.size === 0) armSignals(true);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) armSignals(false);
  });
}

function armSignals(on: boolean): void {
  for (const signal of FATAL_SIGNALS) {
    if (on) process.on(signal, onFatalSignal);
    else process.off(signal, onFatalSignal);
  }
  if (on) process.on('exit', killRunning);
  else process.off('exit', killRunning);
}

function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * Kills the children, then, when no one else handles the signal, lets it end this process as
 * it would have without us (a command with its own handler, such as serve, decides itself and
 * its exit still kills what runs).
 */
function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;

  killRunning();
  running.clear();
  armSignals(false);
  process.kill(process.pid, signal);
}

/** Waits for a child's spawn; a binary that cannot start is KHIEN_ERR_VIDEO_TOOL_MISSING. */
export function spawned(child: VideoChild, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.process.once('spawn', () => resolve());
    child.process.once('error', (err) =>
      reject(
        new KhienError('KHIEN_ERR_VIDEO_TOOL_MISSING', `cannot run ${file}: ${err.message}`, {
          tool: file,
        }),
      ),
    );
  });
}
