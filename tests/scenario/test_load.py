"""Scenario loading: valid files load; every kind of bad input gets one clear, located message."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from detente.errors import ScenarioError
from detente.scenario import load_file
from detente.scenario.evidence import check_quotes, normalise

TOY = Path(__file__).resolve().parents[1] / "toy.yaml"


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def mutate(tmp_path: Path, old: str, new: str) -> Path:
    text = TOY.read_text(encoding="utf-8")
    assert old in text, old
    return write(tmp_path, text.replace(old, new, 1))


def error_of(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    return info.value


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_toy_loads_with_ranges_and_defaults() -> None:
    s = load_file(TOY)
    assert [a.id for a in s.veto_players] == ["A", "B"]
    assert s.actor("A").capability.value.model_dump() == [1, 2, 3]
    assert s.issue("money").option_ids() == ["0", "2.5", "5", "7.5", "10"]
    assert s.outcome_count() == 3 * 5 * 3


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    p = mutate(tmp_path, "  - id: B\n", "  - id: B\n   bad: [unclosed\n")
    err = error_of(p)
    assert "malformed YAML" in str(err)
    assert err.problems[0].line is not None and err.problems[0].file == str(p)


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    p = mutate(tmp_path, "    name: Side B\n", "    name: Side B\n    name: Side Bee\n")
    err = error_of(p)
    assert "duplicate key" in str(err)
    assert err.problems[0].line == line_of(p, "Side Bee")


def test_unknown_actor_in_stance(tmp_path: Path) -> None:
    p = mutate(tmp_path, "- {actor: B, issue: land", "- {actor: Z, issue: land")
    err = error_of(p)
    msg = str(err)
    assert "unknown actor id" in msg and "'Z'" in msg and "A, B, M" in msg
    assert err.problems[0].path == "stances[3].actor"
    assert err.problems[0].line == line_of(p, "actor: Z")


def test_duplicate_actor_id(tmp_path: Path) -> None:
    p = mutate(tmp_path, "  - id: M\n", "  - id: A\n")
    assert "duplicate id" in str(error_of(p))


def test_option_not_in_issue(tmp_path: Path) -> None:
    p = mutate(tmp_path, "package: {land: split, money: 5}", "package: {land: half, money: 5}")
    err = error_of(p)
    assert "not an option of issue 'land'" in str(err)
    assert "all_a, split, all_b" in str(err)
    assert err.problems[0].path == "proposals[0].package.land"


def test_value_off_grid(tmp_path: Path) -> None:
    p = mutate(tmp_path, "package: {land: split, money: 5}", "package: {land: split, money: 4}")
    assert "0 to 10 in steps of 2.5" in str(error_of(p))


def test_salience_out_of_range(tmp_path: Path) -> None:
    p = mutate(tmp_path, "issue: money, ideal: 0, salience: 0.5", "issue: money, ideal: 0, "
               "salience: 50")
    err = error_of(p)
    assert "salience must lie in [0, 1]" in str(err)
    assert err.problems[0].line == line_of(p, "salience: 50")


def test_range_low_above_high(tmp_path: Path) -> None:
    p = mutate(tmp_path, "capability: [1, 2, 3]", "capability: [3, 2, 1]")
    assert "low <= likely <= high" in str(error_of(p))


def test_capability_must_be_positive(tmp_path: Path) -> None:
    p = mutate(tmp_path, "capability: 0.5", "capability: 0")
    assert "capability must be > 0" in str(error_of(p))


def test_batna_probability_out_of_range(tmp_path: Path) -> None:
    p = mutate(tmp_path, "batna: 0.4", "batna: 1.4")
    assert "BATNA value must lie in [0, 1]" in str(error_of(p))


def test_unknown_field_is_a_typo(tmp_path: Path) -> None:
    p = mutate(tmp_path, "    role: mediator\n", "    role: mediator\n    salary: 3\n")
    err = error_of(p)
    assert "unknown field" in str(err) and "salary" in str(err)


def test_empty_outcome_space(tmp_path: Path) -> None:
    p = mutate(tmp_path, "options: [{id: none}, {id: weak}, {id: strong}]", "options: []")
    assert "empty outcome space" in str(error_of(p))


@pytest.mark.parametrize("text", ["- just\n- a list\n", "name: a recipe\nsteps: 3\n", "42\n", ""])
def test_not_a_scenario(tmp_path: Path, text: str) -> None:
    assert "not a detente scenario" in str(error_of(write(tmp_path, text)))


def _with_default(tmp_path: Path) -> Path:
    """toy.yaml with the deprecated ``Issue.default`` on 'guarantee'."""
    return mutate(tmp_path, "options: [{id: none}, {id: weak}, {id: strong}]\n",
                  "options: [{id: none}, {id: weak}, {id: strong}]\n    default: none\n")


def test_silent_issue_is_an_open_term_not_a_default(tmp_path: Path) -> None:
    """A deprecated ``default: none`` on 'guarantee' is ignored: proposal p1, silent on
    'guarantee', leaves that term open over all three options, with or without it."""
    from detente.deals.open_terms import open_terms

    with pytest.warns(DeprecationWarning):
        s = load_file(_with_default(tmp_path))
    assert open_terms(s, "p1") == open_terms(load_file(TOY), "p1")
    terms = open_terms(s, "p1")
    assert [(t.issue, t.options, t.explicit, t.name) for t in terms] == [
        ("guarantee", ("none", "weak", "strong"), False, "proposals.p1.guarantee")]
    assert open_terms(s, "p2") == []


def test_open_term_over_a_bad_option_is_located(tmp_path: Path) -> None:
    p = mutate(tmp_path, "package: {land: split, money: 5}",
               "package: {land: split, money: 5, guarantee: {open: [none, huge], "
               "assumption: disputed}}")
    err = error_of(p)
    assert err.problems[0].path == "proposals[0].package.guarantee.open[1]"
    assert err.problems[0].line == line_of(p, "huge")
    assert "not an option of issue 'guarantee'" in str(err)


def test_term_that_is_both_open_and_decided_is_an_error(tmp_path: Path) -> None:
    p = mutate(tmp_path, "package: {land: split, money: 5}",
               "package: {land: split, money: 5, guarantee: {value: weak, open: true}}")
    assert "either a 'value' or 'open'" in str(error_of(p))


def test_calibration_target_with_unknown_proposal_and_actor(tmp_path: Path) -> None:
    text = TOY.read_text(encoding="utf-8") + (
        "calibration:\n"
        "  - {claim: B rejected the split, proposal: p9, actor: B, accepts: false}\n"
        "  - {claim: Z accepted, proposal: p1, actor: Z, accepts: true}\n")
    p = write(tmp_path, text)
    err = error_of(p)
    got = {(q.path, q.value, q.line) for q in err.problems}
    assert ("calibration[0].proposal", "p9", line_of(p, "proposal: p9")) in got
    assert ("calibration[1].actor", "Z", line_of(p, "actor: Z")) in got
    assert "unknown proposal" in str(err) and "unknown actor" in str(err)


def test_faction_without_a_parent_is_located(tmp_path: Path) -> None:
    p = mutate(tmp_path, "    role: mediator", "    role: faction")
    err = error_of(p)
    assert err.problems[0].path == "actors[2].parent"
    assert err.problems[0].line == line_of(p, "role: faction") - 2
    assert "a faction needs a parent" in str(err)


def test_ratification_weight_needs_parent_and_batna(tmp_path: Path) -> None:
    p = mutate(tmp_path, "    role: mediator\n", "    role: mediator\n"
               "    ratification_weight: {value: 0.5, assumption: toy}\n")
    msgs = str(error_of(p))
    assert "ratification weight needs a parent" in msgs and "needs a BATNA" in msgs


def test_unknown_evidence_source(tmp_path: Path) -> None:
    p = mutate(tmp_path, 'assumption: "toy"', 'evidence: {source: nope, quote: "abc"}')
    err = error_of(p)
    assert "unknown source id" in str(err)
    assert err.problems[0].path == "actors[0].batna.evidence[0].source"


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    p = mutate(tmp_path, "- {actor: B, issue: land", "- {actor: Z, issue: land")
    p.write_text(p.read_text().replace("package: {land: split, money: 5}",
                                       "package: {land: half, money: 5}"))
    assert len(error_of(p).problems) == 2


def test_quote_check(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "s1.txt").write_text("The talks were   widely hailed\nas productive.", encoding="utf-8")
    p = mutate(tmp_path, 'assumption: "toy"',
               'evidence: [{source: s1, quote: "widely hailed as productive"}, '
               '{source: s1, quote: "widely praised"}]')
    checks = check_quotes(load_file(p), src)
    assert [c.found for c in checks] == [True, False]
    assert normalise(" a\n\tb ") == "a b"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "detente.cli.app", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli_check_bad_file_exits_nonzero_without_traceback(tmp_path: Path) -> None:
    p = mutate(tmp_path, "issue: money, ideal: 0, salience: 0.5", "issue: money, ideal: 0, "
               "salience: 50")
    res = run_cli("check", str(p))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr + res.stdout
    assert f"{p}:{line_of(p, 'salience: 50')}" in res.stderr.replace("\n", "")


def test_cli_check_quote_not_found(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "s1.txt").write_text("Nothing relevant.", encoding="utf-8")
    p = mutate(tmp_path, 'assumption: "toy"', 'evidence: {source: s1, quote: "widely praised"}')
    res = run_cli("check", str(p), "--sources", str(src))
    assert res.returncode == 2
    assert "not an exact substring" in res.stderr
    assert "Traceback" not in res.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    res = run_cli("analyze", str(tmp_path / "nope.yaml"))
    assert res.returncode == 2 and "file not found" in res.stderr
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize("args, message", [
    (("analyze", "ru-ua-2024-09", "--draws", "-1"), "--draws"),
    (("analyze", "ru-ua-2024-09", "--bogus"), "No such option"),
    (("window", "ru-ua-2024-09", "--months", "x"), "--months"),
    (("analyze",), "Missing argument"),
])
def test_cli_usage_errors_exit_2_without_traceback(args: tuple[str, ...], message: str) -> None:
    # Option values the command line itself refuses are usage errors too: exit 2, one message.
    res = run_cli(*args)
    assert res.returncode == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr + res.stdout


def test_issue_default_is_deprecated_with_a_migration_note(tmp_path: Path) -> None:
    with pytest.warns(DeprecationWarning, match="'default', which is deprecated and ignored"):
        load_file(_with_default(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        load_file(TOY)  # the shared fixture itself uses no deprecated field
