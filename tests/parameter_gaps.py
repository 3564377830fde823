"""API parameters no success-path test sends yet: known, listed, to be worked off (none left).

`tests/conftest.py` fails a whole test run for any declared parameter that no test sends, through
`tests.api_helpers.api`, in a call that succeeds, unless it is listed here; it notes listed ones a
test now sends, to be removed. The list was taken when the check was added (issue 12) and worked
off by `tests/stemlink/api/test_parameters_*.py`; keep it empty: a new parameter gets its test.
"""

from __future__ import annotations

KNOWN: frozenset[tuple[str, str]] = frozenset()
