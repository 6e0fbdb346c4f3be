"""The garbage collector of a long-running service process.

Design note: CPython's cyclic collector walks every tracked object of the generation it
collects, and the oldest generation holds everything the process built at startup
(modules, SQLAlchemy metadata, pydantic validators, the FastStream application): well
over a hundred thousand objects that live as long as the process. Each full
collection walked them all again. In the tasks consumer's profile (issue 10) that was
a fifth of the CPU: busy consumers allocate fast, so full collections come often.
`gc.freeze()` moves what exists once the service has started into a permanent
generation the collector no longer visits; objects created afterwards are collected
as before, so nothing leaks that would not have leaked anyway.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger(__name__)


def freeze_startup_heap() -> int:
    """Collect what startup left behind, then exempt the survivors from future
    collections; returns how many objects were frozen. Call once, after startup."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.debug("froze %d startup objects out of garbage collection", frozen)
    return frozen
