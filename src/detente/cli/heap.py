"""Keep freed heap memory in the process while a command runs (glibc only).

The models work on arrays of 0.1–4 MB that live for one operation. glibc hands a freed block
that large back to the kernel (``munmap`` above the mmap threshold, a heap trim above the trim
threshold), so the next temporary of the same size page-faults its memory in again: on this
machine ``np.abs(a - b)`` over 147,000 numbers took 4.0 ms, against 0.06 ms when the memory is
reused, and a third of ``forecast -m eum --draws 10000``'s CPU time was kernel time
(docs/performance.md). Raising both thresholds (``mallopt``; the same as the environment
variables ``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_``) keeps freed blocks for
reuse. Results do not change; peak memory is the same, the process simply returns less of it
before it ends. Only the command line does this: a library has no business setting its
caller's allocator.
"""

from __future__ import annotations

import ctypes
import sys

#: glibc's ``mallopt`` parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: Blocks up to this size come from the heap (glibc's largest allowed value on 64-bit).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap kept rather than given back.
TRIM_THRESHOLD = 256 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds; False where there is no glibc ``mallopt``."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
