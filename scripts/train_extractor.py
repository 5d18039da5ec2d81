"""Train the learned extractor on every development part and write its weights file.

Deterministic (liblinear with a fixed seed; features and vocabulary in sorted order): the same
development gold gives the same weights, which ``tests/extract/test_learned.py`` checks against
the shipped file. Reads only the development parts of protocol §19 (never the locked set,
locked15). Needs scikit-learn (``pip install "detente[train]"``).

    PYTHONPATH=src python3 scripts/train_extractor.py [--out PATH]

(default ``--out``: ``src/detente/extract/data/learned_model.npz``)
"""

from __future__ import annotations

import argparse
import os

# One BLAS/OpenMP thread, set before NumPy loads OpenBLAS: training is then the same on any
# machine (tests/conftest.py says why).
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

from pathlib import Path

from detente.extract.learned import MODEL_FILE
from detente.extract.rules import RuleExtractor
from detente.extract.training import RECIPES, SHIPPED, train_all

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "extract"
SEEDS = Path(os.environ.get("DETENTE_SHARED") or ROOT.parent / "shared") / "seeds"
COMMAND = "PYTHONPATH=src python3 scripts/train_extractor.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    args = ap.parse_args()
    model = train_all(DATA, SEEDS, RuleExtractor(), RECIPES[SHIPPED], COMMAND)
    model.save(args.out)
    m = model.meta
    ruled = [k for k, u in zip(m["kinds"], model.use_rules, strict=True) if u]
    print(f"wrote {args.out}: {len(model.vocab)} features, {m['articles']} articles of "
          f"{', '.join(m['parts'])}; data sha256 {m['data_sha256'][:12]}…; thresholds "
          f"{dict(zip(m['kinds'], model.thresholds.round(3).tolist(), strict=True))}; "
          f"left to the rules: {ruled}")


if __name__ == "__main__":
    main()
