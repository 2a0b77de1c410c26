// The stop gate (io/stop-gate.ts): once a run is stopping, no thread makes a temporary file, and a
// stopping run can tell when the files being made exist (then it sweeps them).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/io/files.js';
import { passStopGate, stopGate, stopMakingTemporaryFiles, temporaryFilesBeingMade, useStopGate } from '../src/io/stop-gate.js';
import { tempDir } from './helpers.js';

describe('the stop gate', () => {
  afterEach(() => useStopGate(new SharedArrayBuffer(8)));

  it('once closed, a write fails in one line and makes no file, not even a temporary one', async () => {
    const dir = tempDir();
    useStopGate(new SharedArrayBuffer(8));
    await writeFileAtomic(join(dir, 'before.png'), new Uint8Array([1, 2, 3]));
    stopMakingTemporaryFiles();
    await expect(writeFileAtomic(join(dir, 'after.png'), new Uint8Array([4]))).rejects.toThrow(/after\.png: not written: kquant is stopping$/);
    expect(readdirSync(dir)).toEqual(['before.png']);
    expect(existsSync(join(dir, 'after.png'))).toBe(false);
  });

  it('counts the writers between the gate and their file, on every thread that shares it', async () => {
    useStopGate(new SharedArrayBuffer(8));
    let release!: () => void;
    const making = passStopGate(() => new Promise<void>((resolve) => (release = resolve)), () => new Error('stopped'));
    expect(temporaryFilesBeingMade()).toBe(1);
    release();
    await making;
    expect(temporaryFilesBeingMade()).toBe(0);
    // A worker thread given the gate sees it closed, and its writers count here.
    stopMakingTemporaryFiles();
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const gate = new Int32Array(workerData);
       Atomics.add(gate, 1, 1);
       parentPort.postMessage(Atomics.load(gate, 0));`,
      { eval: true, workerData: stopGate() },
    );
    const seen = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(seen).toBe(1);
    expect(temporaryFilesBeingMade()).toBe(1);
  });
});
