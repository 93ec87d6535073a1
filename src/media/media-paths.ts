/**
 * Turns the paths given to `khien hash` into the list of files to hash, in a deterministic
 * order: files as given, folders walked recursively with entries sorted by name. Inside a
 * folder only files with a media extension are taken (so a README beside the photos is not an
 * error) and hidden entries are skipped; a file named explicitly is always attempted.
 * Symbolic links are followed, so a folder of links to photos is hashed, not silently skipped;
 * each real folder is walked once (by device and inode), which ends link loops. A link that
 * points nowhere is kept when its name is a media name, so it is reported, not lost. A folder
 * that cannot be listed is returned in its place with its error, for the caller to report.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KhienError } from '../errors/index.js';

/** A file to hash, or a folder that could not be listed (reported in its place). */
export type MediaPath = string | { path: string; error: KhienError };

/** What kind of hasher a file goes to. */
export type MediaKind = 'image' | 'video';

const IMAGE_EXT = /\.(jpe?g|jfif|png|webp|tiff?|gif|bmp|avif)$/i;
const VIDEO_EXT = /\.(mp4|m4v|mov|mkv|webm|avi|wmv|flv|mpe?g|ts|3gp)$/i;

/**
 * The hasher for a file, by its name. Anything not known as video goes to the image path,
 * which judges the content itself and reports unsupported files with a coded error.
 */
export function mediaKindOf(path: string): MediaKind {
  return VIDEO_EXT.test(path) ? 'video' : 'image';
}

/** True for names a folder walk picks up. */
export function isMediaName(name: string): boolean {
  return IMAGE_EXT.test(name) || VIDEO_EXT.test(name);
}

/**
 * Expands `paths` into files. A path that does not exist is kept as is, so that hashing it
 * reports KHIEN_ERR_NOT_FOUND in its place in the output order. A folder given that holds no
 * media file is passed to `onEmptyFolder`, so that a mistyped folder is not a silent success.
 */
export async function expandMediaPaths(
  paths: readonly string[],
  onEmptyFolder: (path: string) => void = () => undefined,
): Promise<MediaPath[]> {
  const out: MediaPath[] = [];
  const walked = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(path);
      continue;
    }
    const before = out.length;
    await walk(path, out, walked);
    if (out.length === before) onEmptyFolder(path);
  }
  return out;
}

async function walk(dir: string, out: MediaPath[], walked: Set<string>): Promise<void> {
  const entries = await listFolder(dir, walked).catch((err: NodeJS.ErrnoException) => {
    out.push({ path: dir, error: unlistable(dir, err) });
    return [];
  });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    // Through a link to what it points at; undefined for a link that points nowhere.
    const target = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (target?.isDirectory()) await walk(path, out, walked);
    else if (isMediaName(entry.name) && (target === undefined || target.isFile())) out.push(path);
  }
}

/** The folder's entries, or none when it was walked already (through another link). */
async function listFolder(dir: string, walked: Set<string>): Promise<Dirent[]> {
  const info = await stat(dir);
  const key = `${info.dev}:${info.ino}`;
  if (walked.has(key)) return [];
  walked.add(key);
  return readdir(dir, { withFileTypes: true });
}

function unlistable(dir: string, err: NodeJS.ErrnoException): KhienError {
  return new KhienError(
    'KHIEN_ERR_IMAGE_UNREADABLE',
    `expected a folder that can be listed, got ${err.code ?? err.message}`,
    { path: dir, errno: err.code },
    { cause: err },
  );
}
