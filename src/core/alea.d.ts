// Types of seedrandom's Alea generator, loaded on its own (see rng.ts): seedrandom's package entry
// loads its seven generators and its own, where kquant uses one.
declare module 'seedrandom/lib/alea.js' {
  interface Alea {
    /** Uniform in [0, 1), 53 bits. */
    double(): number;
  }
  const alea: (seed: string) => Alea;
  export default alea;
}
