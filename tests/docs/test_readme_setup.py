"""The README's set-up: a virtual environment comes first (system Pythons under PEP 668 refuse
`pip install`), and `.ci/run` runs exactly the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _setup() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Set-up", 1)[1].split("\n## ", 1)[0]


def _bash_blocks(text: str) -> list[str]:
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", text, flags=re.S)]


def test_a_venv_comes_before_the_first_install() -> None:
    blocks = _bash_blocks(_setup())
    first_install = next(i for i, b in enumerate(blocks) if "pip install" in b)
    assert any("python3 -m venv" in b for b in blocks[:first_install])
    assert "PEP 668" in _setup() and "not required" not in _setup()


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = next(b for b in _bash_blocks(_setup()) if "pytest" in b)
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
          .splitlines() if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert ci[-1] == test_command
