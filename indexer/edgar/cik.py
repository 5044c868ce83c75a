"""The one CIK rule: what a Central Index Key looks like, and its ten-digit form."""

from __future__ import annotations

import re

# "320193", "0000320193": a CIK, leading zeros optional, ASCII digits only (a Unicode digit such
# as "٣" is not one); a fragment, for patterns that hold CIKs (comma lists, display names)
CIK_DIGITS = r"[0-9]{1,10}"
CIK_PATTERN = re.compile(CIK_DIGITS)


def normalize_cik(text: str) -> str:
    """Return a CIK as ten digits; raise ValueError when `text` is not one (no stripping)."""
    if not CIK_PATTERN.fullmatch(text):
        raise ValueError(f"not a CIK: {text!r}")
    return text.zfill(10)


def cik10(text: str | None) -> str | None:
    """Return a CIK, surrounding spaces ignored, as ten digits; None when it is not one."""
    value = (text or "").strip()
    return value.zfill(10) if CIK_PATTERN.fullmatch(value) else None
