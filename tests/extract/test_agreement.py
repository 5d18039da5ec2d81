"""scripts/extract_agreement.py on two tiny constructed annotation folders, against analytic F1
and Cohen's kappa (issue 21: inter-annotator agreement)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "extract_agreement.py"
BODIES = ["Russia agreed to a truce on Sunday. Putin met Zelensky in Istanbul on Monday.",
          "Ukraine freed ten prisoners. Turkey hosted the talks."]
Q = [("Russia agreed to a truce", "Putin met Zelensky in Istanbul"),
     ("Ukraine freed ten prisoners", "Turkey hosted the talks")]


@pytest.fixture(scope="module")
def agree() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_agreement", SCRIPT)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sig(actor: str, kind: str, quote: str) -> dict[str, str]:
    return {"actor": actor, "kind": kind, "quote": quote}


def folders(tmp: Path, a: list[dict[str, Any]], b: list[dict[str, Any]],
            bodies: list[str] = BODIES) -> tuple[Path, Path]:
    """A holds NN.txt + NN.json, B only NN.json (as locked4-b)."""
    da, db = tmp / "a", tmp / "b"
    da.mkdir()
    db.mkdir()
    for i, (body, ja, jb) in enumerate(zip(bodies, a, b, strict=True)):
        (da / f"0{i}.txt").write_text(f"Title: t{i}\n---\n{body}\n", encoding="utf-8")
        (da / f"0{i}.json").write_text(json.dumps(ja), encoding="utf-8")
        (db / f"0{i}.json").write_text(json.dumps(jb), encoding="utf-8")
    return da, db


def doc(signals: list[dict[str, str]], stance: str = "neutral_report",
        actors: tuple[str, ...] = ("RUS", "UKR")) -> dict[str, Any]:
    return {"actors": list(actors), "positions": [], "proposals": [], "signals": signals,
            "stance": stance}


A = [doc([sig("RUS", "ceasefire", Q[0][0]), sig("RUS", "summit", Q[0][1]),
          sig("UKR", "summit", Q[0][1])]),
     doc([sig("UKR", "prisoner_release", Q[1][0]), sig("TUR", "mediation", Q[1][1])],
         stance="skeptical", actors=("UKR", "TUR"))]


def run(agree: ModuleType, tmp: Path, b: list[dict[str, Any]]) -> dict[str, Any]:
    a_dir, b_dir = folders(tmp, A, b)
    res: dict[str, Any] = agree.agreement(*agree.load_pair(a_dir, b_dir), draws=200, seed=0)
    return res


def test_identical_annotations_agree_fully(agree: ModuleType, tmp_path: Path) -> None:
    res = run(agree, tmp_path, A)
    for side in ("A_gold", "B_gold"):
        assert res[side]["signal_f1"].value == 1.0
        assert res[side]["actor_recall"].value == 1.0
        assert res[side]["stance_accuracy"].value == 1.0
    assert res["stance_kappa"].value == 1.0
    assert res["span_only_f1"].value == 1.0
    assert res["per_kind"]["summit"]["f1"].value == 1.0


def test_one_of_two_signals_in_another_kind_halves_f1(agree: ModuleType, tmp_path: Path
                                                      ) -> None:
    # one article, two signals; B calls the mediation a summit → 1 of 2 matches each way
    b = [doc([sig("UKR", "prisoner_release", Q[1][0]), sig("TUR", "summit", Q[1][1])],
             stance="skeptical", actors=("UKR", "TUR"))]
    a_dir, b_dir = folders(tmp_path, A[1:], b, BODIES[1:])
    res = agree.agreement(*agree.load_pair(a_dir, b_dir), draws=200, seed=0)
    assert res["A_gold"]["signal_f1"].value == pytest.approx(0.5)
    assert res["B_gold"]["signal_f1"].value == pytest.approx(0.5)
    assert res["kind_agnostic_f1"].value == pytest.approx(1.0)
    assert res["per_kind"]["prisoner_release"]["f1"].value == pytest.approx(1.0)
    assert res["per_kind"]["mediation"]["f1"].value is None  # B has none: precision undefined


def test_pooled_f1_sender_change_and_kappa(agree: ModuleType, tmp_path: Path) -> None:
    # article 0: the ceasefire is given to UKR instead of RUS (kind agrees, actor does not)
    # and the UKR summit is missing; article 1 agrees but B calls it neutral.
    b = [doc([sig("UKR", "ceasefire", Q[0][0]), sig("RUS", "summit", Q[0][1])]),
         {**A[1], "stance": "neutral_report"}]
    res = run(agree, tmp_path, b)
    # A: 5 signals, B: 4, matched 3 → P 3/4, R 3/5, F1 = 2·3/(5+4) = 2/3
    assert res["A_gold"]["signal_precision"].value == pytest.approx(0.75)
    assert res["A_gold"]["signal_recall"].value == pytest.approx(0.6)
    assert res["A_gold"]["signal_f1"].value == pytest.approx(2 / 3)
    assert res["B_gold"]["signal_recall"].value == pytest.approx(0.75)
    # kind-agnostic: still 3 matched; span-only: the ceasefire matches too → 4 of 5/4
    assert res["kind_agnostic_f1"].value == pytest.approx(2 / 3)
    assert res["span_only_f1"].value == pytest.approx(8 / 9)
    # stances (neutral, skeptical) vs (neutral, neutral): po 0.5, pe 0.5 → kappa 0
    assert res["stance_kappa"].value == pytest.approx(0.0)
    low, high = res["A_gold"]["signal_f1"].low, res["A_gold"]["signal_f1"].high
    assert low <= 2 / 3 <= high


def test_missing_second_annotation_is_one_clear_error(agree: ModuleType, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    a_dir, b_dir = folders(tmp_path, A, A)
    (b_dir / "01.json").unlink()
    assert agree.main([str(a_dir), str(b_dir)]) == 2
    err = capsys.readouterr().err
    assert "01.json" in err and "Traceback" not in err


STANCE_BODIES = ["Russia agreed to a truce.", "Putin met Zelensky.", "Ukraine freed prisoners.",
                 "Turkey hosted the talks."]


def test_stance_agreement_by_kind_of_text(agree: ModuleType, tmp_path: Path) -> None:
    # A: pro, skeptical, anti, report; B: pro, anti, report, report (worked by hand):
    # all 2/4; either argued = articles 0-2, agree on 0 → 1/3; both argued = 0-1 → 1/2;
    # kappa all: po 1/2, pe = 1/16 + 0 + 1/16 + 1/8 = 1/4 → 1/3;
    # kappa both argued: (pro, skep) vs (pro, anti): po 1/2, pe 1/4 → 1/3.
    a = [doc([], s) for s in ("pro_negotiation", "skeptical", "anti_concession",
                              "neutral_report")]
    b = [doc([], s) for s in ("pro_negotiation", "anti_concession", "neutral_report",
                              "neutral_report")]
    a_dir, b_dir = folders(tmp_path, a, b, STANCE_BODIES)
    res = agree.agreement(*agree.load_pair(a_dir, b_dir), draws=300, seed=0)
    st = res["stance"]
    assert st["all"].value == pytest.approx(0.5)
    assert st["all"].value == pytest.approx(res["A_gold"]["stance_accuracy"].value)
    assert st["either_argued"].value == pytest.approx(1 / 3)
    assert st["both_argued"].value == pytest.approx(0.5)
    assert (st["n_either_argued"], st["n_both_argued"]) == (3, 2)
    assert res["stance_kappa"].value == pytest.approx(1 / 3)
    assert st["kappa_both_argued"].value == pytest.approx(1 / 3)
    for k in ("all", "either_argued", "both_argued"):
        assert 0.0 <= st[k].low <= st[k].value <= st[k].high <= 1.0
    conf = st["confusion"]
    assert conf["pro_negotiation"]["pro_negotiation"] == 1
    assert conf["skeptical"]["anti_concession"] == 1
    assert conf["anti_concession"]["neutral_report"] == 1
    assert conf["neutral_report"]["neutral_report"] == 1
    assert sum(n for row in conf.values() for n in row.values()) == 4
    text = agree.report(res)
    assert "either argued ( 3) 0.333" in text and "both argued   ( 2) 0.500" in text


def test_stance_agreement_without_argued_pieces_is_undefined(agree: ModuleType,
                                                             tmp_path: Path) -> None:
    a_dir, b_dir = folders(tmp_path, [doc([]), doc([])], [doc([]), doc([])],
                           STANCE_BODIES[:2])
    st = agree.agreement(*agree.load_pair(a_dir, b_dir), draws=100, seed=0)["stance"]
    assert st["all"].value == 1.0
    assert st["either_argued"].value is None and st["both_argued"].value is None
    assert st["kappa_both_argued"].value is None
