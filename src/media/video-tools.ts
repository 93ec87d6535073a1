/**
 * Finding ffmpeg and ffprobe. The order is the configured path, then the name on PATH, then the
 * static binaries of the npm packages @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe,
 * so a fresh `npm install` can hash videos. Only the same ffmpeg build as the reference's
 * libraries gives bit-exact vPDQ hashes (docs/vpdq.md); others drift by a few bits.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { KhienError } from '../errors/index.js';

/** The two binaries used for one video, and how this ffmpeg spells "no frame rate change". */
export interface VideoTools {
  readonly ffmpeg: string;
  readonly ffprobe: string;
  /** `-fps_mode` (ffmpeg >= 5.1) or the older `-vsync`. */
  readonly passthroughFlag: '-fps_mode' | '-vsync';
}

/** Configured paths; empty means "search". */
export interface VideoToolPaths {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
}

const NPM_PACKAGES = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };
const cache = new Map<string, VideoTools>();

/** Resolves both binaries (cached per configuration); KHIEN_ERR_VIDEO_TOOL_MISSING if absent. */
export function findVideoTools(paths: VideoToolPaths): VideoTools {
  const key = `${paths.ffmpegPath}\0${paths.ffprobePath}`;
  const known = cache.get(key);
  if (known !== undefined) return known;

  const ffmpeg = findTool('ffmpeg', paths.ffmpegPath);
  const ffprobe = findTool('ffprobe', paths.ffprobePath);
  const tools: VideoTools = { ffmpeg, ffprobe, passthroughFlag: passthroughFlag(ffmpeg) };
  cache.set(key, tools);
  return tools;
}

function findTool(name: 'ffmpeg' | 'ffprobe', configured: string): string {
  if (configured !== '') {
    if (isExecutable(configured)) return configured;
    throw missing(name, `the configured ${name}Path ${configured} is not an executable file`);
  }

  const onPath = searchPath(name);
  if (onPath !== null) return onPath;

  const fromNpm = npmBinary(NPM_PACKAGES[name]);
  if (fromNpm !== null) return fromNpm;
  throw missing(name, `${name} is neither on PATH nor installed by ${NPM_PACKAGES[name]}`);
}

function searchPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function npmBinary(pkg: string): string | null {
  try {
    const path = (createRequire(import.meta.url)(pkg) as { path?: unknown }).path;
    return typeof path === 'string' && isExecutable(path) ? path : null;
  } catch {
    return null;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds before 5.1 (such as the npm package's) know only `-vsync`; later ones deprecate it for
 * `-fps_mode`. Asking the help text is more reliable than the version string, which git builds
 * print as "N-47683-g…".
 */
function passthroughFlag(ffmpeg: string): '-fps_mode' | '-vsync' {
  const run = spawnSync(ffmpeg, ['-hide_banner', '-h', 'long'], {
    encoding: 'utf8',
    timeout: 10_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.error !== undefined || run.status !== 0) {
    throw missing('ffmpeg', `${ffmpeg} -h failed: ${run.error?.message ?? run.stderr}`);
  }
  return /^-fps_mode\b/m.test(run.stdout) ? '-fps_mode' : '-vsync';
}

function missing(tool: string, message: string): KhienError {
  return new KhienError('KHIEN_ERR_VIDEO_TOOL_MISSING', message, { tool });
}
