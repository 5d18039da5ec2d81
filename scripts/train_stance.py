"""Train the stance model (protocol §13) on every development article and write its weights.

Deterministic (lbfgs logistic regression; features and vocabulary in sorted order): the same
development gold gives the same weights, which ``tests/extract/test_stance_model.py`` checks
against the shipped file. Reads only the development parts of protocol §19 (never the locked
set, locked15). Needs scikit-learn (``pip install "detente[train]"``).

    PYTHONPATH=src DETENTE_SHARED=/work/shared python3 scripts/train_stance.py \
        [--config kind-words] [--out PATH]

(default ``--out``: ``src/detente/extract/data/stance_model.npz``)
"""

from __future__ import annotations

import argparse
import os

# One BLAS/OpenMP thread, set before NumPy loads OpenBLAS: training is then the same on any
# machine (tests/conftest.py says why).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

from pathlib import Path

from detente.extract.lexicon import lexicon
from detente.extract.stance_model import CONFIGS, STANCE_FILE
from detente.extract.training import load_parts
from detente.extract.training_stance import SHIPPED, train_stance_all

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
COMMAND = "PYTHONPATH=src DETENTE_SHARED=/work/shared python3 scripts/train_stance.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=SHIPPED, choices=CONFIGS)
    ap.add_argument("--out", type=Path, default=STANCE_FILE)
    args = ap.parse_args()
    model = train_stance_all(load_parts(DATA, SEEDS), lexicon(), args.config,
                             f"{COMMAND} --config {args.config}")
    model.save(args.out)
    m = model.meta
    words = len(model.classifier.vocab) if model.classifier is not None else 0
    print(f"wrote {args.out}: {args.config}, {words} word features, {m['articles']} articles "
          f"of {', '.join(m['parts'])}; data sha256 {m['data_sha256'][:12]}…")


if __name__ == "__main__":
    main()
