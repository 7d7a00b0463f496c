#!/usr/bin/env python3
"""Regenerate tests/fixtures/sklearn_nmf.json: scikit-learn's NMF of themeline's chunk matrix.

themeline discovers themes by factorising a chunk x term TF-IDF matrix with NNDSVDa
initialisation and multiplicative updates, the algorithm of scikit-learn's
NMF(init="nndsvda", solver="mu"). This script asks themeline for the exact matrix
it factorises (`themeline inspect --what chunks`), runs scikit-learn on it and
records:

  * the matrix itself (rows of {term: weight}),
  * the reconstruction error of scikit-learn's NNDSVDa starting point, both as
    scikit-learn computes it (its randomized SVD, which takes only 4 power
    iterations for 8 components of a 73-row matrix and so is approximate) and
    with scikit-learn's own NNDSVDa code fed an exact SVD (numpy's), which is what
    themeline computes for a matrix this small,
  * the final reconstruction error, iterations, and each component's 15 heaviest
    terms with their weights (rows of H).

tests/nmf_crosscheck.rs factorises the same matrix with themeline and checks that
its starting point matches scikit-learn's, its final error is within 1% of
scikit-learn's, and each scikit-learn component has a close themeline twin.

Usage (from the repository root):
    pip install scikit-learn        # 1.9.1 produced the committed fixture
    python3 scripts/nmf_crosscheck.py
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import scipy.sparse as sp
import sklearn
import sklearn.decomposition._nmf as nmf_module
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _initialize_nmf

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "sklearn_nmf.json"
ARGS = ["data/kubecon-eu-2024-recap.txt", "--aliases", "cloud-native"]
K = 8


def chunk_rows():
    cmd = ["cargo", "run", "--release", "--quiet", "--", "inspect", "--no-config", "--what", "chunks", *ARGS]
    out = subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return [json.loads(line)["terms"] for line in out.splitlines()]


def main():
    rows = chunk_rows()
    vocabulary = sorted({t for row in rows for t in row})
    index = {t: i for i, t in enumerate(vocabulary)}
    x = np.zeros((len(rows), len(vocabulary)))
    for r, row in enumerate(rows):
        for term, value in row.items():
            x[r, index[term]] = value
    x = sp.csr_matrix(x)
    w0, h0 = _initialize_nmf(x, K, init="nndsvda", random_state=0)
    init_error = float(np.linalg.norm(x.toarray() - w0 @ h0))

    def exact_svd(matrix, n_components, **_):
        u, s, vt = np.linalg.svd(matrix.toarray(), full_matrices=False)
        return u[:, :n_components], s[:n_components], vt[:n_components]

    randomized = nmf_module._randomized_svd
    nmf_module._randomized_svd = exact_svd
    w1, h1 = _initialize_nmf(x, K, init="nndsvda", random_state=0)
    nmf_module._randomized_svd = randomized
    init_error_exact = float(np.linalg.norm(x.toarray() - w1 @ h1))
    model = NMF(n_components=K, init="nndsvda", solver="mu", beta_loss="frobenius", max_iter=200, tol=1e-4, random_state=0)
    model.fit_transform(x)
    components = []
    for h in model.components_:
        top = np.argsort(-h, kind="stable")[:15]
        components.append({vocabulary[c]: float(h[c]) for c in top})
    fixture = {
        "generated_by": "scripts/nmf_crosscheck.py",
        "sklearn_version": sklearn.__version__,
        "themeline_args": ARGS,
        "k": K,
        "rows": rows,
        "init_error": init_error,
        "init_error_exact_svd": init_error_exact,
        "error": float(model.reconstruction_err_),
        "iterations": int(model.n_iter_),
        "components": components,
    }
    FIXTURE.write_text(json.dumps(fixture, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {FIXTURE.relative_to(ROOT)}: {x.shape[0]} x {x.shape[1]}, error {model.reconstruction_err_:.6f} after {model.n_iter_} iterations")


if __name__ == "__main__":
    main()
