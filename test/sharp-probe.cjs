// Preloaded (node -r) by png-read.test.ts: says on stderr, as the process ends, whether sharp's
// module was required.
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((path) => /node_modules[\\/]sharp[\\/]/.test(path));
  process.stderr.write(`sharp loaded: ${loaded ? 'yes' : 'no'}\n`);
});
