"""Bounds on what one fetch may cost: bytes on the wire, bytes inflated, time with retries.

A response over a bound is never parsed. It reaches the spider either as a ``TooLarge``
failure (nothing usable arrived) or as a truncated response whose ``meta["too_large"]``
says why (its capture is archived truncated, ``WARC-Truncated: length``).
"""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class TooLarge(IgnoreRequest):
    """A response over a size bound (compressed or inflated); the message says which."""
