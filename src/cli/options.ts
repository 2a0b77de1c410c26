// Parsers for command-line option values: each returns a typed value or throws commander's
// InvalidArgumentError, so the action receives valid options only.
import { InvalidArgumentError } from './commander.js';
import { MAX_K } from '../core/defaults.js';

/** Fewest colours the CLI makes: a 1-colour image says nothing. */
export const MIN_COLOURS = 2;

function integer(text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected an integer, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got ${value}`);
  return value;
}

/** An integer option parser for commander, bounded. */
export function integerIn(min: number, max: number): (text: string) => number {
  return (text) => integer(text, min, max);
}

/** A number option parser for commander, bounded. */
export function numberIn(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${text}"`);
    }
    return value;
  };
}

/** A choice among fixed words. */
export function oneOf<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${text}"`);
    }
    return text as T;
  };
}

/**
 * Colour counts: `16`, a doubling range `2..1024` (2, 4, 8, …, 1024), a list `3,5,12`, or a mix.
 * Returns them in the order given, without repeats.
 */
export function parseColours(text: string): number[] {
  const ks: number[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    const range = /^(\d+)\.\.(\d+)$/.exec(item);
    if (range) {
      const from = integer(range[1], MIN_COLOURS, MAX_K);
      const to = integer(range[2], MIN_COLOURS, MAX_K);
      if (to < from) throw new InvalidArgumentError(`range ${item} goes down; write it as ${to}..${from}`);
      for (let k = from; k <= to; k *= 2) ks.push(k);
      if (ks[ks.length - 1] !== to) ks.push(to);
    } else if (/^\d+$/.test(item)) {
      ks.push(integer(item, MIN_COLOURS, MAX_K));
    } else {
      throw new InvalidArgumentError(`expected a number of colours (${MIN_COLOURS} to ${MAX_K}), a range A..B or a list A,B,C; got "${item}"`);
    }
  }
  return [...new Set(ks)];
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1000, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 * 1024 };

/** A byte size: `50000`, `50k` / `50kB` (×1000), `48KiB` (×1024), `1.5M`, `1MiB`. */
export function parseBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? SIZE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new InvalidArgumentError(`expected a size such as 50000, 50k, 48KiB or 1.5M, got "${text}"`);
  }
  const bytes = Math.floor(Number(match[1]) * unit);
  if (bytes < 1) throw new InvalidArgumentError(`expected a size of at least 1 byte, got "${text}"`);
  return bytes;
}
