"""``detente ARGV`` in the test process (``detente.cli.app.main``): the exit code as
``SystemExit`` gives it, and what pytest's ``capsys`` captured — for tests that compare two
paths of one command line byte by byte (tests/cli/test_coercion.py, tests/cli/test_direct.py)."""

from __future__ import annotations

import pytest

from detente.cli import app as cli


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[object, str, str]:
    """Exit code (0 when ``main`` returns), stdout and stderr of one in-process command."""
    code: object = 0
    try:
        cli.main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err
