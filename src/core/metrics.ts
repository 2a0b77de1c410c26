// Error measures in the units people quote: MSE a channel on the 0–255 scale, PSNR in dB.

/** Mean squared error a channel, from a sum of squared errors over `pixels` pixels of `channels`. */
export function mseOf(sse: number, pixels: number, channels: number): number {
  return pixels > 0 ? sse / (pixels * channels) : 0;
}

/** 10·log10(255² / mse); Infinity for an exact image. */
export function psnrDbOf(mse: number): number {
  return mse > 0 ? 10 * Math.log10((255 * 255) / mse) : Infinity;
}
