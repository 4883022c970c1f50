"""Benchmark: how fast and in how much memory a roll import refuses workbooks that inflate to 1 GB.

Run from the checkout: `.venv/bin/python bench/import_bomb.py [megabytes]` (default 1024). For each bomb
it prints the upload's size, the rule that refused it, the seconds the refusal took, the peak Python
allocation during the refusal (tracemalloc) and the process's peak RSS so far (building the bombs
included). The refusal happens before openpyxl opens the file, so it costs about nothing beyond the
upload; the "far row" workbook is read up to IMPORT_MAX_ROWS rows, blank ones included; the "understated" bomb has a directory claiming less than it holds, and shows that at most the
claimed size is ever inflated.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_VAR_DIR", str(ROOT / "var"))

from tests import zipbombs  # noqa: E402
from tracker.errors import DomainError  # noqa: E402
from tracker.register import rollfile  # noqa: E402
from tracker.settings import get_settings  # noqa: E402

MB = 1024 * 1024


def bombs(size: int):
    yield "shared strings", zipbombs.shared_strings_bomb(size)
    yield "zero-filled sheet", zipbombs.zero_filled("xl/worksheets/sheet1.xml", size)
    # With the ratio check out of the way, the directory's claim is what bounds the work.
    claimed = get_settings().import_max_uncompressed_bytes // 2
    yield "understated sheet", zipbombs.understated(
        zipbombs.zero_filled("xl/worksheets/sheet1.xml", size), "xl/worksheets/sheet1.xml", claimed
    )
    # Not a zip bomb but a row bomb: one cell in the sheet's last row; the rows of the gap count.
    yield "far row", zipbombs.far_row()


def main() -> None:
    size = int(sys.argv[1]) * MB if len(sys.argv) > 1 else 1024 * MB
    settings = get_settings()
    print(
        f"bombs inflating to {size // MB} MB; limits: {settings.import_max_uncompressed_bytes // MB} MB in all, "
        f"{settings.import_max_part_bytes // MB} MB per part held whole, ratio {settings.import_max_compression_ratio}"
    )
    for name, data in bombs(size):
        if name == "understated sheet":
            os.environ["IMPORT_MAX_COMPRESSION_RATIO"] = str(10**9)
            get_settings.cache_clear()
        tracemalloc.start()
        started = time.perf_counter()
        try:
            rollfile.read_sheet(data, "roll.xlsx")
            outcome = "ACCEPTED (a bound is missing)"
        except DomainError as exc:
            outcome = f"{exc.status_code} {exc.rule}"
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{name:18} upload {len(data) / MB:6.2f} MB  refused {outcome:24}  in {seconds:7.3f} s  "
            f"allocated at peak {peak / MB:7.2f} MB  peak RSS {rss:7.1f} MB"
        )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
