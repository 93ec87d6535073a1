/**
 * Bulk import of a CSV or JSON-lines file into a bank, in transactions of `chunkSize` rows.
 * Each transaction inserts its entries AND moves the job's checkpoint (byte offset, counts), so
 * a checkpoint reported to the caller is on disk with exactly the entries before it; a killed
 * import re-run on the same file resumes from the last checkpoint and duplicates nothing.
 */
import { createHash } from 'node:crypto';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KhienError, isKhienError } from '../errors/index.js';
import type { ImportJobsTable } from '../store/database.js';
import { requireBankAccess, requireBankOwner, requireRole } from './authorisation.js';
import { insertEntriesBulk } from './bulk-insert.js';
import { checkNewEntry, type NewEntry } from './entry-records.js';
import { newId } from './ids.js';
import { csvRecord, jsonRecord, splitCsv, toImportRow } from './import-row.js';
import { readLines } from './line-reader.js';
import type { ServiceContext } from './service-context.js';
import type {
  Actor,
  Bank,
  ImportFormat,
  ImportInput,
  ImportProgress,
  ImportReport,
} from './types.js';
import { inWriteTransaction, type WriteTx } from './write-transaction.js';

const MAX_REJECTIONS_KEPT = 20;

interface Pending {
  readonly line: number;
  readonly entry: NewEntry;
}

type Rejection = ImportReport['rejections'][number];

/** Runs (or resumes) the import `input` describes. */
export async function runImport(
  ctx: ServiceContext,
  actor: Actor,
  input: ImportInput,
): Promise<ImportReport> {
  const bank = await authoriseImport(ctx, actor, input);
  const path = resolve(input.path);
  const size = fileSize(path);
  const format: ImportFormat =
    input.format ?? (path.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl');
  const chunkSize = input.chunkSize ?? ctx.config.importChunkSize;
  const { job, resumed } = await openJob(ctx, actor, bank, path, format, input);

  const run = new ImportRun(ctx, actor, bank, job, size, input.onCheckpoint);
  const header = format === 'csv' ? await readHeader(path) : null;
  let batch: Pending[] = [];
  let lineNo = Number(job.lines_done);
  for await (const line of readLines(path, Number(job.bytes_done))) {
    lineNo += 1;
    if (header && lineNo === 1) {
      batch.push({ line: 0, entry: null as never }); // the header: consumed, not an entry
    } else if (line.text.trim() !== '') {
      const parsed = run.parse(line.text, lineNo, header);
      if (parsed) batch.push({ line: lineNo, entry: parsed });
    }
    run.mark(lineNo, line.end);
    if (batch.length >= chunkSize) batch = await run.commit(batch);
  }
  await run.commit(batch, true);
  return { ...run.progress(), resumed, rejections: run.rejections };
}

async function authoriseImport(
  ctx: ServiceContext,
  actor: Actor,
  input: ImportInput,
): Promise<Bank> {
  requireRole(actor, 'curator', 'contributor');
  const bank = await ctx.banks.get(input.bankId);
  if (input.asConfirmed) {
    requireRole(actor, 'curator');
    requireBankOwner(actor, bank);
  } else if (actor.roles.includes('contributor')) {
    requireBankAccess(actor, bank, 'contribute');
  } else {
    requireBankOwner(actor, bank);
  }
  return bank;
}

/** Finds the unfinished job for this bank and file, or starts one. */
async function openJob(
  ctx: ServiceContext,
  actor: Actor,
  bank: Bank,
  path: string,
  format: ImportFormat,
  input: ImportInput,
): Promise<{ job: ImportJobsTable; resumed: boolean }> {
  const fingerprint = fileFingerprint(path);
  const source = input.source ?? path.split('/').pop()!;
  return inWriteTransaction(ctx.store, ctx.now(), async (tx) => {
    const open = await tx.trx
      .selectFrom('import_jobs')
      .selectAll()
      .where('bank_id', '=', bank.id)
      .where('path', '=', path)
      .where('fingerprint', '=', fingerprint)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (open) {
      tx.audit({
        actor,
        action: 'import.resume',
        subject: open.id,
        details: { bankId: bank.id, bytesDone: Number(open.bytes_done) },
      });
      return { job: open, resumed: true };
    }
    const job: ImportJobsTable = {
      id: newId('imp', true),
      bank_id: bank.id,
      org_id: actor.orgId,
      key_id: actor.keyId,
      path,
      fingerprint,
      format,
      source,
      as_confirmed: input.asConfirmed ? 1 : 0,
      status: 'running',
      bytes_done: 0,
      lines_done: 0,
      committed: 0,
      rejected: 0,
      duplicates: 0,
      rejections: '[]',
      created_at: tx.at,
      updated_at: tx.at,
    };
    await tx.trx.insertInto('import_jobs').values(job).execute();
    tx.audit({
      actor,
      action: 'import.start',
      subject: job.id,
      details: { bankId: bank.id, path, source, format, asConfirmed: Boolean(input.asConfirmed) },
    });
    return { job, resumed: false };
  });
}

/** The state of one run: counters since the last checkpoint and the chunk commit. */
class ImportRun {
  readonly rejections: Rejection[];
  private linesDone: number;
  private bytesDone: number;
  private committed: number;
  private rejected: number;
  private duplicates: number;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly actor: Actor,
    private readonly bank: Bank,
    private readonly job: ImportJobsTable,
    private readonly size: number,
    private readonly onCheckpoint: ImportInput['onCheckpoint'],
  ) {
    this.rejections = JSON.parse(job.rejections) as Rejection[];
    this.linesDone = Number(job.lines_done);
    this.bytesDone = Number(job.bytes_done);
    this.committed = Number(job.committed);
    this.rejected = Number(job.rejected);
    this.duplicates = Number(job.duplicates);
  }

  /** The row's entry, or null (counted as rejected) when it is not valid. */
  parse(text: string, line: number, header: string[] | null): NewEntry | null {
    try {
      const rec = header ? csvRecord(header, text) : jsonRecord(text);
      const row = toImportRow(rec);
      return checkNewEntry(
        this.bank,
        row.signals,
        row.facts,
        row.note,
        this.job.source,
        row.externalId,
      );
    } catch (err) {
      if (!isKhienError(err)) throw err;
      this.rejected += 1;
      if (this.rejections.length < MAX_REJECTIONS_KEPT) {
        this.rejections.push({ line, code: err.code, message: err.message });
      }
      return null;
    }
  }

  /** Notes that input up to byte `end` (line `line`) has been read. */
  mark(line: number, end: number): void {
    this.linesDone = line;
    this.bytesDone = end;
  }

  /** Commits the batch with the checkpoint; returns a fresh batch. */
  async commit(batch: readonly Pending[], last = false): Promise<Pending[]> {
    const status = this.job.as_confirmed ? 'confirmed' : 'pending';
    const entries = batch.filter((p) => p.line !== 0).map((p) => p.entry);
    await inWriteTransaction(this.ctx.store, this.ctx.now(), async (tx) => {
      const reason = `imported from ${this.job.source}`;
      const index = status === 'confirmed' && this.ctx.engine.isEnabled;
      const r = await insertEntriesBulk(tx, this.actor, this.bank, entries, status, reason, index);
      this.committed += r.inserted;
      this.duplicates += r.duplicates;
      await this.saveCheckpoint(tx, last);
      tx.audit({
        actor: this.actor,
        action: 'import.chunk',
        subject: this.job.id,
        details: {
          bankId: this.bank.id,
          inserted: r.inserted,
          status,
          linesDone: this.linesDone,
          committed: this.committed,
        },
      });
      tx.afterCommit(() => this.index(r.signals));
    });
    this.onCheckpoint?.(this.progress());
    return [];
  }

  progress(): ImportProgress {
    return {
      jobId: this.job.id,
      bytesDone: this.bytesDone,
      bytesTotal: this.size,
      linesDone: this.linesDone,
      committed: this.committed,
      rejected: this.rejected,
      duplicates: this.duplicates,
    };
  }

  private async saveCheckpoint(tx: WriteTx, last: boolean): Promise<void> {
    await tx.trx
      .updateTable('import_jobs')
      .set({
        status: last ? 'done' : 'running',
        bytes_done: this.bytesDone,
        lines_done: this.linesDone,
        committed: this.committed,
        rejected: this.rejected,
        duplicates: this.duplicates,
        rejections: JSON.stringify(this.rejections),
        updated_at: tx.at,
      })
      .where('id', '=', this.job.id)
      .execute();
  }

  private index(signals: readonly { id: number; type: string; value: string }[]): void {
    for (const s of signals) {
      this.ctx.engine.add({
        id: s.id,
        type: s.type as never,
        value: s.value,
        bankId: this.bank.id,
      });
    }
  }
}

async function readHeader(path: string): Promise<string[]> {
  for await (const line of readLines(path, 0)) {
    const header = splitCsv(line.text).map((h) => h.trim().toLowerCase());
    if (!header.some((h) => ['pdq', 'md5', 'sha1', 'sha256'].includes(h))) {
      throw new KhienError(
        'KHIEN_ERR_INVALID_ARGUMENT',
        `the CSV header must name at least one of pdq, md5, sha1, sha256; got ${line.text.slice(0, 200)}`,
      );
    }
    return header;
  }
  throw new KhienError('KHIEN_ERR_INVALID_ARGUMENT', `${path} is empty`);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    throw new KhienError('KHIEN_ERR_NOT_FOUND', `cannot read ${path}: ${(err as Error).message}`, {
      path,
    });
  }
}

/** SHA-256 of the first 64 KiB: the same file resumes its job; a different one starts anew. */
function fileFingerprint(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return createHash('sha256').update(buf.subarray(0, n)).digest('hex');
  } finally {
    closeSync(fd);
  }
}
