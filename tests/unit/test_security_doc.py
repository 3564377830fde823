"""Every test docs/security.md names exists (`file::test`, or `::test` after its file)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_named_in_the_security_doc_exists():
    text = (ROOT / "docs" / "security.md").read_text()
    current: str | None = None
    missing: list[str] = []
    named = 0
    for match in re.finditer(r"`((?:tests|tests_marketplace)/[\w/]+\.py)?(?:::(test_\w+))?`", text):
        path, name = match.group(1), match.group(2)
        if path:
            current = path
            if not (ROOT / path).is_file():
                missing.append(path)
                continue
        if name:
            named += 1
            if current is None or not re.search(
                rf"^def {name}\(", (ROOT / current).read_text(), re.MULTILINE
            ):
                missing.append(f"{current}::{name}")
    assert named > 20
    assert missing == []
