"""`settle_memory` (run by `treehole serve` and `treehole worker` once started) freezes what is
loaded and raises the collector's thresholds. Checked in a child process: it changes the whole
interpreter, which the test session must not inherit."""

from __future__ import annotations

import json
import subprocess
import sys

from app.main import GC_THRESHOLDS

PROBE = """
import gc, json
from app.main import settle_memory
before = (gc.get_freeze_count(), gc.get_threshold())
settle_memory()
print(json.dumps([before, (gc.get_freeze_count(), gc.get_threshold())]))
"""


def test_settle_memory_freezes_loaded_objects_and_raises_thresholds() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    (frozen_before, thresholds_before), (frozen_after, thresholds_after) = json.loads(done.stdout)
    assert frozen_before == 0 and frozen_after > 10_000
    assert tuple(thresholds_before) == (700, 10, 10)
    assert tuple(thresholds_after) == GC_THRESHOLDS
