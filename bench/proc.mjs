// Runs one whole process and measures it: wall time (process.hrtime.bigint around spawn → close)
// and peak resident memory (GNU time's %M when /usr/bin/time is GNU time, else /proc polling), plus
// CPU seconds (user + system) when GNU time is there: CPU / wall shows how many cores were busy.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GNU_TIME = '/usr/bin/time';
/** How often the /proc fallback samples VmHWM, in ms (the peak between the last sample and exit is missed). */
const POLL_MS = 5;

let method;
/**
 * How peak RSS is measured: 'gnu-time' (`/usr/bin/time -f %M`, the kernel's ru_maxrss of the process
 * and its waited-for children) or 'proc-poll' (VmHWM from /proc/PID/status every 5 ms; the
 * process's own high-water mark, so children are not counted).
 */
export function rssMethod() {
  if (method === undefined) {
    const probe = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' });
    method = probe.status === 0 && /^\d+\s*$/.test(probe.stderr) ? 'gnu-time' : 'proc-poll';
  }
  return method;
}

function readHwmKb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process has already exited
  }
}

/**
 * Runs `cmd args` to completion.
 * @returns {Promise<{ code: number|null, signal: string|null, wallMs: number, peakRssKb: number,
 *   cpuS: number|undefined, stdout: string, stderr: string }>}
 */
export function runTimed(cmd, args, { env = process.env, cwd, timeoutMs = 15 * 60_000 } = {}) {
  const useTime = rssMethod() === 'gnu-time';
  const tmp = useTime ? mkdtempSync(join(tmpdir(), 'kquant-bench-')) : undefined;
  const rssFile = tmp && join(tmp, 'rss');
  const [file, argv] = useTime ? [GNU_TIME, ['-o', rssFile, '-f', '%M %U %S', cmd, ...args]] : [cmd, args];

  return new Promise((resolve, reject) => {
    const stdout = [];
    const stderr = [];
    const start = process.hrtime.bigint();
    const child = spawn(file, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let polledKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          polledKb = Math.max(polledKb, readHwmKb(child.pid));
        }, POLL_MS);
    child.stdout.on('data', (b) => stdout.push(b));
    child.stderr.on('data', (b) => stderr.push(b));
    child.on('error', (err) => {
      if (poll) clearInterval(poll);
      if (tmp) rmSync(tmp, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (poll) clearInterval(poll);
      let peakRssKb = polledKb;
      let cpuS;
      if (useTime) {
        // GNU time writes "Command exited with non-zero status N" before its line on failure.
        const [rss, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').at(-1).split(' ');
        peakRssKb = Number(rss) || 0;
        cpuS = Number(user) + Number(sys);
        rmSync(tmp, { recursive: true, force: true });
      }
      resolve({
        code,
        signal,
        wallMs,
        peakRssKb,
        cpuS,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
}

/** True when `cmd args` runs and exits 0 (quietly; for availability probes). */
export function succeeds(cmd, args, { cwd } = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'ignore', timeout: 60_000 });
  return r.status === 0;
}

/** stdout of `cmd args`, or '' when it fails to run. */
export function outputOf(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return r.status === 0 ? r.stdout : '';
}
