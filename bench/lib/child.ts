// Runs a bench script in its own Node process (TypeScript through tsx's loader) with an IPC channel, so
// what it measures (time, peak RSS, CPU) belongs to it alone. The child answers with one `result` message.
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const projectDir = resolve(benchDir, '..');

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildOptions {
  /** Extra node flags (e.g. --cpu-prof). */
  execArgv?: string[];
  env?: Record<string, string>;
  /** Kills the child and fails after this long. */
  timeoutMs?: number;
}

export interface RunningChild {
  child: ChildProcess;
  /** Sends a message and waits for the next message whose `type` matches. */
  request<T>(message: object, replyType: string): Promise<T>;
  /** Waits for the next message of this type. */
  next<T>(type: string): Promise<T>;
  /** Resolves when the child has exited. */
  exited: Promise<number | null>;
  kill(): void;
}

/** Starts `script` (a path under bench/) as a child process with IPC. */
export function startChild(script: string, input: unknown, options: ChildOptions = {}): RunningChild {
  const child = fork(resolve(benchDir, script), [], {
    cwd: projectDir,
    execArgv: ['--import', tsxLoader, ...(options.execArgv ?? [])],
    env: { ...process.env, BENCH_INPUT: JSON.stringify(input), ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const waiting = new Map<string, Array<{ resolve: (v: never) => void; reject: (e: Error) => void }>>();
  const early = new Map<string, unknown[]>();
  let failure: Error | null = null;

  const failAll = (err: Error) => {
    failure ??= err;
    for (const list of waiting.values()) for (const w of list.splice(0)) w.reject(err);
  };

  child.on('message', (m: { type?: string; error?: string }) => {
    if (m?.type === 'error') return failAll(new Error(`${script}: ${m.error}`));
    const type = m?.type ?? '';
    const w = waiting.get(type)?.shift();
    if (w) w.resolve(m as never);
    else early.set(type, [...(early.get(type) ?? []), m]);
  });
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) failAll(new Error(`${script} exited with ${signal ?? `code ${code}`}`));
      else failAll(new Error(`${script} exited before answering`));
      resolveExit(code);
    });
  });
  const timer = setTimeout(() => {
    failAll(new Error(`${script} did not finish within ${options.timeoutMs} ms`));
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 300_000);
  timer.unref();

  function next<T>(type: string): Promise<T> {
    const queued = early.get(type);
    if (queued?.length) return Promise.resolve(queued.shift() as T);
    if (failure) return Promise.reject(failure);
    return new Promise<T>((res, rej) => {
      waiting.set(type, [...(waiting.get(type) ?? []), { resolve: res as (v: never) => void, reject: rej }]);
    });
  }

  return {
    child,
    next,
    request<T>(message: object, replyType: string) {
      const reply = next<T>(replyType);
      child.send(message);
      return reply;
    },
    exited,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

/** Inside a child: its input, and how it reports its result or failure to the parent. */
export function childInput<T>(): T {
  return JSON.parse(process.env.BENCH_INPUT ?? '{}') as T;
}

export function reply(message: object): Promise<void> {
  return new Promise((res, rej) => process.send!(message, undefined, {}, (err) => (err ? rej(err) : res())));
}

/** Runs a child's main function: sends its result, or the error, then exits. */
export function runChildMain(main: () => Promise<object>): void {
  main().then(
    async (result) => {
      await reply({ type: 'result', ...result });
      process.exit(0);
    },
    async (err: Error) => {
      await reply({ type: 'error', error: err?.stack ?? String(err) }).catch(() => {});
      process.exit(1);
    },
  );
}
