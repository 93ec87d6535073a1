/**
 * `khien import --bank ID FILE`: a CSV or JSON-lines file of hashes with facts into a bank, in
 * transactions of --chunk-size rows. After each commit a checkpoint line goes to stderr (or the
 * progress bar moves, on a terminal): everything it counts is on disk. Run the same command
 * again after an interruption and it resumes after the last checkpoint; the final line then
 * says how many entries this run added and how many the job has added in all.
 */
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import { cliActor, openService } from '../../service/open-service.js';
import type { ImportFormat, ImportProgress, ImportReport } from '../../service/types.js';
import type { Store } from '../../store/open-store.js';
import { configFromOptions, withSettings } from '../config-options.js';
import { STORE_SETTINGS } from './admin.js';
import type { RegisterCommand } from './index.js';

export const registerImport: RegisterCommand = (program: Command, setStatus) => {
  const cmd = program
    .command('import')
    .description('Import hashes with facts from a CSV or JSON-lines file into a bank (resumable)')
    .argument('<file>', 'the input file')
    .requiredOption('--bank <id>', 'the bank to import into')
    .addOption(
      new Option('--format <format>', 'input format (default: from the file name)').choices([
        'csv',
        'jsonl',
      ]),
    )
    .option('--source <name>', 'name of the list, kept in provenance (default: the file name)')
    .option(
      '--confirmed',
      'import as confirmed: a vetted partner list (curator of the owner)',
      false,
    )
    .option('--chunk-size <n>', 'rows per transaction (default: the importChunkSize setting)')
    .option('--json', 'print the final report as JSON', false)
    .option('--no-progress', 'never draw a progress bar');

  withSettings(cmd, [...STORE_SETTINGS, 'apiKey', 'importChunkSize']).action(
    async (file: string, opts: Record<string, unknown>) => {
      const config = configFromOptions(opts);
      const opened = await openService(config);
      const progress = makeProgress(opts.progress !== false && process.stderr.isTTY === true);
      try {
        const actor = await cliActor(opened.service, config);
        const before = await committedBefore(opened.store, opts.bank as string);
        const report = await opened.service.importEntries(actor, {
          bankId: opts.bank as string,
          path: file,
          format: opts.format as ImportFormat | undefined,
          source: opts.source as string | undefined,
          asConfirmed: opts.confirmed === true,
          chunkSize: opts.chunkSize === undefined ? undefined : Number(opts.chunkSize),
          onCheckpoint: progress.update,
        });
        progress.stop();
        const committedThisRun = report.committed - (before.get(report.jobId) ?? 0);
        const line = opts.json
          ? JSON.stringify({ ...report, committedThisRun })
          : summary(report, committedThisRun);
        process.stdout.write(line + '\n');
        for (const r of opts.json ? [] : report.rejections) {
          process.stderr.write(`  line ${r.line}: ${r.code}: ${r.message}\n`);
        }
        if (report.rejected > 0) setStatus(1);
      } finally {
        progress.stop();
        await opened.close();
      }
    },
  );
};

/**
 * What each unfinished import job of the bank had committed before this run, by job id. The
 * service's report carries the job's running totals across runs; a resumed job is one of these,
 * and the difference is this run's share. (Were the report to carry the count of its own run,
 * this read could go.)
 */
async function committedBefore(store: Store, bankId: string): Promise<Map<string, number>> {
  const rows = await store.db
    .selectFrom('import_jobs')
    .select(['id', 'committed'])
    .where('bank_id', '=', bankId)
    .where('status', '=', 'running')
    .execute();
  return new Map(rows.map((r) => [r.id, Number(r.committed)]));
}

/** `imported 76001 entries in this run, 200000 in all (job imp_…, resumed); …`. */
function summary(report: ImportReport, committedThisRun: number): string {
  return (
    `imported ${committedThisRun} entries in this run, ${report.committed} in all ` +
    `(job ${report.jobId}${report.resumed ? ', resumed' : ''}); ` +
    `${report.duplicates} duplicates skipped, ${report.rejected} lines rejected`
  );
}

/** A progress bar on a terminal, else one checkpoint line per commit on stderr. */
function makeProgress(tty: boolean): { update: (p: ImportProgress) => void; stop: () => void } {
  if (!tty) {
    return {
      update: (p) =>
        process.stderr.write(
          `checkpoint committed=${p.committed} lines=${p.linesDone} bytes=${p.bytesDone}/${p.bytesTotal}\n`,
        ),
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: 'import [{bar}] {percentage}% | {committed} committed | {rejected} rejected',
    stream: process.stderr,
  });
  let started = false;
  return {
    update: (p) => {
      if (!started) bar.start(p.bytesTotal, 0, { committed: 0, rejected: 0 });
      started = true;
      bar.update(p.bytesDone, { committed: p.committed, rejected: p.rejected });
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
