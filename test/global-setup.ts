// One folder for every temporary file of a test run, removed when the run ends (tests/helpers.ts,
// tempDir): a run used to leave some 20 MB of folders in the system's temporary folder.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'kquant-tests-'));
  // Readable by others, as the system's temporary folder is: a test runs the command as "nobody".
  chmodSync(dir, 0o755);
  // Read by the test files' workers, which start after this.
  process.env.KQUANT_TEST_TMP = dir;
  return () => {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch (error) {
      console.warn(`kquant tests: could not remove ${dir}: ${(error as Error).message}`);
    }
  };
}
