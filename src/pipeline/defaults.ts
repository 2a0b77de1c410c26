// The pipeline's defaults, on their own so that kquant's --help can show them without loading the core.

/**
 * Tolerance for images: scikit-learn's meaning, ten times tighter than its default 1e-4. Measured on
 * china.jpg, 1e-4 leaves K=32 0.57% above scikit-learn's MSE; 1e-5 is within 0.5% at every K from 2
 * to 1024 (below it at most), for 1.0–1.3× the fit time. Still exact k-means, only run longer.
 */
export const IMAGE_TOL = 1e-5;
