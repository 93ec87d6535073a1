/**
 * A reader that stops early (`khien hash … | head -1`) closes the pipe, and writing then fails
 * with EPIPE: not an error of the run. `quietOnClose` notes it instead of letting it crash the
 * process, and the command stops writing.
 */
export function quietOnClose(stream: NodeJS.WriteStream): { closed: boolean } {
  const state = { closed: false };
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    state.closed = true;
  });
  return state;
}
