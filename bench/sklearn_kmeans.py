"""Reference: scikit-learn KMeans (k-means++, n_init=1, Lloyd, tol 1e-4, max_iter 300) over every
pixel, as a user would run it. The centres are rounded to 8 bits and each pixel is given its
cluster's rounded centre, which is what an image can show; the result is written as a PNG (indexed
for K <= 256, RGB above) with Pillow.

Usage: /usr/bin/python3 bench/sklearn_kmeans.py IN K OUT [SEED]
Prints one JSON object: fitMs (KMeans.fit only), iterations, inertia, mse (of the rounded image).
"""
import json
import sys
import time

import numpy as np
from PIL import Image
from sklearn.cluster import KMeans


def main():
    path, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0

    image = Image.open(path).convert("RGB")
    width, height = image.size
    pixels = np.asarray(image, dtype=np.float64).reshape(-1, 3)

    model = KMeans(n_clusters=k, init="k-means++", n_init=1, algorithm="lloyd", random_state=seed)
    start = time.perf_counter()
    model.fit(pixels)
    fit_ms = (time.perf_counter() - start) * 1000

    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    labels = model.labels_
    shown = palette[labels]
    mse = float(np.mean((shown.astype(np.float64) - pixels) ** 2))

    if k <= 256:
        indexed = Image.fromarray(labels.astype(np.uint8).reshape(height, width), mode="P")
        indexed.putpalette(palette.reshape(-1).tolist())
        indexed.save(out, format="PNG")
    else:
        Image.fromarray(shown.reshape(height, width, 3), mode="RGB").save(out, format="PNG")

    print(json.dumps({
        "fitMs": fit_ms,
        "iterations": int(model.n_iter_),
        "inertia": float(model.inertia_),
        "mse": mse,
    }))


if __name__ == "__main__":
    main()
