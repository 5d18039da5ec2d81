"""Readers of stakeholder tables: real files from the shared data and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detente.errors import DetenteError
from detente.formats.ktab import looks_like_ktab, read_ktab_csv
from detente.formats.stakeholders import read_stakeholder_csv

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"fixture missing: {path}")
    return path


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def one_problem(exc: pytest.ExceptionInfo[DetenteError]):
    assert exc.value.problems, "an error must carry at least one problem"
    return exc.value.problems[0]


def test_emission_table_read_as_published():
    t = read_stakeholder_csv(need(DATA / "bdm" / "emission.csv"))
    assert t.n_actors == 10 and t.n_dimensions == 1
    assert t.actors[0] == "Netherlands" and t.actors[-1] == "Greece"
    assert t.capability[3] == pytest.approx(0.16)
    assert t.position[:, 0].tolist() == [4, 7, 4, 4, 10, 10, 10, 7, 4, 7]
    assert t.salience[8, 0] == pytest.approx(1.0)  # 0–1 scale kept
    assert t.warnings == ()


def test_old_mac_line_endings_and_resources_header():
    t = read_stakeholder_csv(need(DATA / "bdm" / "china.csv"))
    assert t.n_actors == 24
    assert t.actors[0] == "Zeming" and t.actors[-1] == "Guandung"
    assert t.salience[0, 0] == pytest.approx(0.5)  # 0–100 scale divided by 100
    assert t.position[16, 0] == pytest.approx(100)


def test_clout_header_variant_and_published_weighted_mean():
    from detente.forecasts.compromise import CompromiseModel

    t = read_stakeholder_csv(need(DATA / "bdm" / "russia-ukraine-2022-blog.csv"))
    assert t.actors == ("Russia", "Ukraine", "USA", "Europe", "China", "India")
    # the table's author reports a weighted mean of 68.83
    assert CompromiseModel().forecast(t).position[0] == pytest.approx(68.83, abs=0.005)


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,,3,0.5\n", 3, 2, "missing"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,abc,0.5\n", 3, 3, "not a number"),
        ("Actor,Capability,Position,Salience\nA,0,2,0.5\nB,1,3,0.5\n", 2, 2, "positive"),
        ("Actor,Capability,Position,Salience\nA,-2,2,0.5\nB,1,3,0.5\n", 2, 2, "positive"),
        ("Actor,Capability,Position,Salience\nA,1,2,150\nB,1,3,50\n", 2, 4, "salience"),
        ("Actor,Capability,Position,Salience\nA,1,2,-0.1\nB,1,3,0.5\n", 2, 4, "salience"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5\nB,1,3\n", 3, 4, "ragged"),
        ("Actor,Capability,Position,Salience\nA,1,2,0.5,9,9\nB,1,3,0.5\n", 2, 5, "ragged"),
        ("Actor,Might,Position,Salience\nA,1,2,0.5\nB,1,3,0.5\n", 1, 2, "header"),
    ],
)
def test_bad_bdm_csv_points_at_file_line_and_column(tmp_path, text, line, column, words):
    path = write(tmp_path, text)
    with pytest.raises(DetenteError) as exc:
        read_stakeholder_csv(path)
    p = one_problem(exc)
    assert (p.file, p.line, p.column) == (str(path), line, column)
    assert words in str(exc.value).lower()


def test_missing_column_names_what_is_missing(tmp_path):
    with pytest.raises(DetenteError, match="salience"):
        read_stakeholder_csv(write(tmp_path, "Actor,Capability,Position\nA,1,2\nB,1,3\n"))


def test_fewer_than_two_actors(tmp_path):
    with pytest.raises(DetenteError, match="at least two actors"):
        read_stakeholder_csv(write(tmp_path, "Actor,Capability,Position,Salience\nA,1,2,0.5\n"))


def test_all_problems_reported_at_once(tmp_path):
    text = "Actor,Capability,Position,Salience\nA,0,2,0.5\nB,1,x,0.5\nC,1,2,7000\n"
    with pytest.raises(DetenteError) as exc:
        read_stakeholder_csv(write(tmp_path, text))
    assert [p.line for p in exc.value.problems] == [2, 3, 4]


def test_degenerate_table_reads_with_a_warning(tmp_path):
    t = read_stakeholder_csv(write(
        tmp_path, "Actor,Capability,Position,Salience\r\nA,1,50,0.5\r\nB,2,50,0.9\r\n"))
    assert any("same position" in w for w in t.warnings)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(DetenteError, match="cannot read"):
        read_stakeholder_csv(tmp_path / "nope.csv")


def test_ktab_three_dimensions():
    path = need(DATA / "ktab" / "dummyData_3Dim.csv")
    assert looks_like_ktab(path)
    assert not looks_like_ktab(need(DATA / "bdm" / "emission.csv"))
    t = read_ktab_csv(path)
    assert t.n_actors == 7 and t.n_dimensions == 3
    assert t.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert t.capability[0] == pytest.approx(102.543)
    np.testing.assert_allclose(t.position[0], [75.79, 6.37, 70.45])
    np.testing.assert_allclose(t.salience[0], [0.4953, 0.0591, 0.2815])


def test_ktab_six_dimensions_with_trailing_fields():
    t = read_ktab_csv(need(DATA / "ktab" / "dummyData_6Dim.csv"))
    assert (t.n_actors, t.n_dimensions) == (27, 6)


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("A,d,1,50,40\nB,d,1,50\n", 4, 5, "ragged"),
        ("A,d,1,50,40\nB,d,0,50,40\n", 4, 3, "positive"),
        ("A,d,1,50,40\nB,d,1,150,40\n", 4, 4, "position"),
        ("A,d,1,50,40\nB,d,1,50,x\n", 4, 5, "not a number"),
        ("A,d,1,50,40\nB,d,1,50,140\n", 4, 5, "salience"),
    ],
)
def test_bad_ktab_rows(tmp_path, body, line, column, words):
    path = write(tmp_path, "T,desc,2,1\nActor,Description,Power,X Position,X Salience\n" + body)
    with pytest.raises(DetenteError) as exc:
        read_ktab_csv(path)
    p = one_problem(exc)
    assert (p.line, p.column) == (line, column)
    assert words in str(exc.value).lower()


def test_ktab_saliences_over_100_and_actor_count(tmp_path):
    head = "T,d,2,2\nActor,Description,Power,X Position,X Salience,Y Position,Y Salience\n"
    with pytest.raises(DetenteError, match="sum to more than 100"):
        read_ktab_csv(write(tmp_path, head + "A,d,1,5,60,5,60\nB,d,1,5,10,5,10\n"))
    with pytest.raises(DetenteError, match="announces 3 actors"):
        body = "A,d,1,5,6,5,6\nB,d,1,5,1,5,1\n"
        read_ktab_csv(write(tmp_path, head.replace("2,2", "3,2") + body))
    with pytest.raises(DetenteError, match="header"):
        read_ktab_csv(write(tmp_path, "T,d,2,1\nName,X\nA,d,1,5,6\nB,d,1,5,1\n"))
