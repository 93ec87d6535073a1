/**
 * Starts a worker thread from a module that sits next to the caller, whether the code runs
 * compiled (dist/*.js) or as TypeScript under tsx (tests, benchmarks, `npm run` scripts). A
 * worker does not inherit tsx's loader hooks, so for a .ts module the worker first registers
 * tsx and then imports the file.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * `new Worker` for `name` (without extension) resolved beside `callerUrl` (the caller's
 * import.meta.url), picking .ts or .js the way the caller itself was loaded.
 */
export function startModuleWorker(
  callerUrl: string,
  name: string,
  options: WorkerOptions = {},
): Worker {
  const typescript = callerUrl.endsWith('.ts');
  const url = new URL(`./${name}.${typescript ? 'ts' : 'js'}`, callerUrl);
  if (!typescript) return new Worker(url, options);

  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const target = JSON.stringify(url.href);
  const boot = `import(${api}).then((m) => { m.register(); return import(${target}); });`;
  return new Worker(boot, { ...options, eval: true });
}
