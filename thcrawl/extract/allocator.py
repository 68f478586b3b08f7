"""Keeping freed heap memory for the next page, so that parsing a page does not page-fault.

lexbor builds each page's tree in ~110 KB of fresh memory (more on heavy pages) and frees it with the tree.
glibc then hands the top of the heap back to the kernel (its trim threshold is 128 KB), so the next page's
tree lands on pages the kernel has to fault in and zero again: 28 page faults a page on the replica's
article pages, which cost more than a third of the parse. Keeping a few MB of padding at the top of the
heap lets every page reuse the last one's memory (under one fault a page). The cost is at most that padding
of resident memory.
"""

from __future__ import annotations

import ctypes
import sys

_M_TOP_PAD = -2  # glibc's mallopt() parameter numbers (malloc.h)
TOP_PAD_BYTES = 8 << 20


def keep_heap_top() -> bool:
    """Ask glibc to keep TOP_PAD_BYTES at the top of the heap when it trims. False where the C library is not
    glibc (nothing to do there: other allocators do not trim the same way, or cannot be told)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt(_M_TOP_PAD, TOP_PAD_BYTES) == 1
