import { writeFile } from 'node:fs/promises';
import { nodeTrailFiles, type TrailFiles } from '../../functions/platform/audit/trail-files.ts';

const noSpace = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/**
 * The real trail files with a disk that can fill up: counting the writes (lock, append, replace, truncate), it fails
 * the Nth only, or every write from the Nth on (until healed). A failing append leaves half its text, and a failing
 * replace half a temporary file, as a full disk does. Reads never fail.
 */
export function faultyTrailFiles() {
  let writes = 0;
  let failing = (_n: number) => false;
  const write = async <T>(run: () => Promise<T>, partly: () => Promise<unknown> = async () => {}): Promise<T> => {
    if (failing(++writes)) {
      await partly();
      throw noSpace();
    }
    return run();
  };
  const files: TrailFiles = {
    read: nodeTrailFiles.read,
    size: nodeTrailFiles.size,
    append: (path, text) => write(() => nodeTrailFiles.append(path, text), () => nodeTrailFiles.append(path, text.slice(0, Math.ceil(text.length / 2)))),
    replace: (path, text) => write(() => nodeTrailFiles.replace(path, text), () => writeFile(`${path}.tmp`, text.slice(0, 5))),
    truncate: (path, size) => write(() => nodeTrailFiles.truncate(path, size)),
    lock: (path) => write(() => nodeTrailFiles.lock(path)),
  };
  return {
    files,
    /** Writes counted since the last arming. */
    get writes() { return writes; },
    failOnly(n: number) { writes = 0; failing = (i) => i === n; },
    fullFrom(n: number) { writes = 0; failing = (i) => i >= n; },
    heal() { writes = 0; failing = () => false; },
  };
}
