"""Kept for older imports: the executors live in :mod:`detente.parallel` (every sampling loop
uses them, not only the sensitivity analysis)."""

from detente.parallel import ALLOWED, CONNECT_TIMEOUT, SerialExecutor, open_executor

__all__ = ["ALLOWED", "CONNECT_TIMEOUT", "SerialExecutor", "open_executor"]
