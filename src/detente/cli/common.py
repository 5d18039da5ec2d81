"""Shared pieces of the command line: the console, error exit, JSON output."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

# Piped output (logs, CI, README examples) is not squeezed into 80 columns.
_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 120
console = Console(width=_WIDTH)
err_console = Console(stderr=True)


def write_json(record: Any, out: Path) -> None:
    """Write a record (pydantic model or plain data) as indented JSON to ``out``."""
    data = record.model_dump(mode="json") if hasattr(record, "model_dump") else record
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
