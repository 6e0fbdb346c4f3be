"""Telemetry files stay bounded: rotated by size, a few kept, nothing split."""

from __future__ import annotations

from pathlib import Path

from shared.rotating_file import RotatingTextFile


def test_files_rotate_past_the_limit_and_only_a_few_are_kept(tmp_path: Path) -> None:
    out = RotatingTextFile(tmp_path / "tasks.jsonl", max_bytes=100, keep=2)
    lines = [f'{{"n": {i:03d}, "pad": "{"x" * 20}"}}\n' for i in range(40)]
    for line in lines:
        out.write(line)
    out.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["tasks.1.jsonl", "tasks.2.jsonl", "tasks.jsonl"]
    assert all((tmp_path / f).stat().st_size <= 100 for f in files)
    # The newest lines are kept, whole and in order, across the files.
    kept = "".join(
        (tmp_path / f).read_text() for f in ["tasks.2.jsonl", "tasks.1.jsonl", "tasks.jsonl"]
    )
    assert kept.splitlines(keepends=True) == lines[-len(kept.splitlines()) :]
    assert len(kept.splitlines()) >= 6


def test_a_restart_appends_and_counts_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "reporting.jsonl"
    path.write_text("x" * 90 + "\n")
    out = RotatingTextFile(path, max_bytes=100, keep=1)
    out.write("y" * 20 + "\n")  # would pass the limit: the old file is rotated first
    out.close()
    assert (tmp_path / "reporting.1.jsonl").read_text() == "x" * 90 + "\n"
    assert path.read_text() == "y" * 20 + "\n"
