"""Write the hostile corpus of issue 16 (run from the repository root:
``python3 tests/data/hostile/make_corpus.py``). Each file reproduces one class of input that
gave a traceback, a hang or a wrong success before; tests/fuzz/test_hostile.py says what each
must do. Files that cannot live in git (a FIFO, a link to /dev/zero, a dangling link, a
1-million-line zip) are made by the test in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
TOY = yaml.safe_load((ROOT / "tests" / "toy.yaml").read_text(encoding="utf-8"))
_CASE = yaml.safe_load((ROOT / "src" / "detente" / "cases" / "ru-ua-2024-09.yaml").read_text(
    encoding="utf-8"))
WAR = {k: _CASE[k] for k in ("id", "title", "date", "sources", "war")}


def _first_evidence(obj: object) -> dict | None:
    if isinstance(obj, dict):
        if "source" in obj and "quote" in obj:
            return obj
        items = list(obj.values())
    else:
        items = list(obj) if isinstance(obj, list) else []
    return next((e for x in items if (e := _first_evidence(x)) is not None), None)
FIX = ROOT / "tests" / "signals" / "fixtures"


def dump(name: str, data: object) -> None:
    (HERE / name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                             encoding="utf-8")


def scenario_with(issues: int, options: int, veto: int) -> dict:
    """A valid scenario: ``veto`` veto players, ``issues`` issues of ``options`` options."""
    actors = [{"id": f"a{i}", "name": f"Actor {i}", "veto": True, "capability": 1,
               "batna": 0.0} for i in range(veto)]
    iss = [{"id": f"i{k}", "name": f"Issue {k}",
            "options": [{"id": f"o{j}", "position": 100 * j / max(options - 1, 1)}
                        for j in range(options)]} for k in range(issues)]
    stances = [{"actor": a["id"], "issue": f"i{k}", "ideal": f"o{(i + k) % options}",
                "salience": 0.5} for i, a in enumerate(actors) for k in range(issues)]
    return {"id": "big", "title": "Hostile: big space", "date": "2024-01-01", "actors": actors,
            "issues": iss, "stances": stances}


def main() -> None:
    (HERE / "deep_nesting.yaml").write_text("x: " + "[" * 500 + "]" * 500 + "\n")
    (HERE / "recursive_alias.yaml").write_text("_c: &c [*c]\n")
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        prev = "a" if i == 0 else "bcdefghi"[i - 1]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    (HERE / "billion_laughs.yaml").write_text("\n".join(lines) + "\n")
    dump("outcomes_over_2_63.yaml", scenario_with(19, 10, 2))
    dump("veto_200_on_256.yaml", scenario_with(8, 2, 200))
    dump("veto_50_on_6x6.yaml", scenario_with(2, 6, 50))
    toy = dict(TOY, title="closing [/] tag [bold]markup[/bold]")
    dump("markup_title.yaml", toy)
    grid = yaml.safe_load(yaml.safe_dump(TOY))
    grid["issues"][1]["grid"] = {"low": float("-inf"), "high": float("inf"), "step": 1,
                                 "unit": "x"}
    dump("grid_inf.yaml", grid)
    bad = yaml.safe_load(yaml.safe_dump(WAR))
    ev = _first_evidence(bad["war"])
    assert ev is not None
    ev["source"] = "nosuch"
    dump("war_undeclared_source.yaml", bad)
    dup = yaml.safe_load(yaml.safe_dump(WAR))
    dup["sources"][1]["id"] = dup["sources"][0]["id"]
    dump("war_duplicate_source.yaml", dup)
    dump("war_markup.yaml", dict(WAR, title="closing [/] tag"))
    (HERE / "ktab_1e9_dims.csv").write_text(
        "Hostile, KTAB header declaring a billion dimensions, 2, 1000000000\n"
        "Actor, Description, Power, D Position, D Salience\n"
        "A, a, 10, 20, 50\nB, b, 20, 80, 50\n")
    ev = ("sources:\n  s1: {title: A note, date: 2022-03-29}\nactors:\n"
          "  RUS: {name: Russia, prior: {kept: KEPT, broken: BROKEN, assumption: toy}}\n"
          "signals:\n  - {id: x, date: 2022-03-29, actor: RUS, target: UKR, "
          "indicator: de-escalation-declared, evidence: [{source: s1, quote: \"a quote\"}]}\n")
    (HERE / "evidence_nan.yaml").write_text(ev.replace("KEPT", "0").replace("BROKEN", ".nan"))
    (HERE / "evidence_negative.yaml").write_text(ev.replace("KEPT", "-1").replace("BROKEN", "0"))
    (HERE / "evidence_truncated.yaml").write_text(
        ev.replace("KEPT", "0").replace("BROKEN", "1")[:150])
    (HERE / "evidence_empty.yaml").write_text("")
    (HERE / "evidence_duplicate_keys.yaml").write_text(
        ev.replace("KEPT", "0").replace("BROKEN", "1") + "signals: []\n")
    (HERE / "evidence_not_utf8.yaml").write_bytes(
        ev.replace("KEPT", "0").replace("BROKEN", "1").encode("utf-8").replace(
            b"Russia", b"Russ\xe9a"))
    (HERE / "evidence_markup.yaml").write_text(
        ev.replace("KEPT", "0").replace("BROKEN", "1").replace("a quote", "closing [/] tag"))
    rows = (FIX / "gdelt2_20150218230000_slice.tsv").read_bytes().split(b"\n")
    cr = list(rows)
    cr[5] = cr[5].replace(b"\t", b"\t\r", 1)
    (HERE / "events_cr_inside.tsv").write_bytes(b"\n".join(cr))
    us = list(rows)
    us[7] = us[7][:30] + b"\x1f" + us[7][30:]
    (HERE / "events_control_0x1f.tsv").write_bytes(b"\n".join(us))
    (HERE / "events_icews_bom.tab").write_bytes(
        b"\xef\xbb\xbf" + (FIX / "icews_2018_slice.tab").read_bytes())
    mixed = b"\n".join(rows[:20]) + b"\r\n" + b"\n".join(rows[20:40]) + b"\n"
    (HERE / "events_mixed_crlf.tsv").write_bytes(mixed)
    markup = list(rows[:10])
    f = markup[3].split(b"\t")
    f[5] = b"closing [/] tag"
    markup[3] = b"\t".join(f)
    (HERE / "events_markup.tsv").write_bytes(b"\n".join(markup) + b"\n")
    genius()


def genius() -> None:
    """Three GENIUS folders: ``<objective index="abc">``, ``encoding="x-bogus"`` and an empty
    third profile (once silently dropped: the analysis ran with two parties)."""
    domain = ('<?xml version="1.0" encoding="ENC"?>\n<negotiation_template><utility_space '
              'number_of_issues="2"><objective index="IDX" name="root" type="objective">'
              '<issue index="1" name="price" type="discrete" etype="discrete" vtype="discrete">'
              '<item index="1" value="low"/><item index="2" value="high"/></issue>'
              '<issue index="2" name="time" type="discrete" etype="discrete" vtype="discrete">'
              '<item index="1" value="soon"/><item index="2" value="late"/></issue>'
              "</objective></utility_space></negotiation_template>\n")

    def profile(a: float, b: float) -> str:
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<utility_space><objective index="IDX"'
                ' name="root" type="objective"><weight index="1" value="0.6"/>'
                '<weight index="2" value="0.4"/><issue index="1" name="price" etype="discrete" '
                f'type="discrete" vtype="discrete"><item index="1" value="low" evaluation="{a}"/>'
                f'<item index="2" value="high" evaluation="{b}"/></issue><issue index="2" '
                'name="time" etype="discrete" type="discrete" vtype="discrete"><item index="1" '
                'value="soon" evaluation="1"/><item index="2" value="late" evaluation="2"/>'
                '</issue></objective><reservation value="0.1"/></utility_space>\n')

    for name, enc, idx, third in (("genius_objective_abc", "UTF-8", "abc", None),
                                  ("genius_bogus_encoding", "x-bogus", "1", None),
                                  ("genius_empty_third_profile", "UTF-8", "1", "")):
        d = HERE / name
        d.mkdir(exist_ok=True)
        (d / "domain.xml").write_text(domain.replace("ENC", enc).replace("IDX", idx))
        (d / "profile1.xml").write_text(profile(1, 3).replace("IDX", idx))
        (d / "profile2.xml").write_text(profile(3, 1).replace("IDX", idx))
        if third is not None:
            (d / "profile3.xml").write_text(third)


if __name__ == "__main__":
    main()
