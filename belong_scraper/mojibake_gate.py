"""Which lines of a text ftfy could change: so the costly fix runs only on those.

ftfy fixes a text line by line (``fix_text`` splits at "\\n"), and leaves a line as it is
unless its badness regex (``ftfy.badness.BADNESS_RE``) matches, it holds a C1 control
or a surrogate, or it is not NFC. The badness regex is slow (about 27 ms on a 170 KB
page: some 40 alternatives tried at every position), so ``looks_bad`` answers the same
question faster: an alternative needs a character of each of its character sets (a set
test on ``set(text)`` rules most out), and the few left are searched one by one, each a
quick scan for its first character. Both are derived from ftfy's own regex, so they
follow its upgrades. Lines that pass go to ftfy, which fixes them as before: the
repaired text is the same as ftfy's on the whole text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import ftfy
from ftfy.badness import BADNESS_RE, is_bad

_parser = re._parser  # type: ignore[attr-defined]  # the stdlib's own regex parser
_c = re._constants  # type: ignore[attr-defined]
_compiler = re._compiler  # type: ignore[attr-defined]

SURROGATES = re.compile("[\ud800-\udfff]")


def _char_class(op: object, av: object) -> frozenset[str] | None:
    """The characters one regex item can match, or None when it is not a plain set of
    characters (a category such as \\s, a negated set, a repeat, an anchor)."""
    if op is _c.LITERAL:
        return frozenset(chr(av))  # type: ignore[arg-type]
    if op is not _c.IN:
        return None
    chars: set[str] = set()
    for kind, value in av:  # type: ignore[attr-defined]
        if kind is _c.LITERAL:
            chars.add(chr(value))
        elif kind is _c.RANGE:
            chars.update(chr(c) for c in range(value[0], value[1] + 1))
        else:  # NEGATE, CATEGORY: not a finite set
            return None
    return frozenset(chars)


@cache
def alternatives(
    pattern: re.Pattern[str] = BADNESS_RE,
) -> tuple[tuple[tuple[frozenset[str], ...], re.Pattern[str], re.Pattern[str]], ...] | None:
    """Per alternative of the pattern: the character sets a match takes one character from
    each of, and the alternative compiled alone (it starts with a character set, which
    the regex engine scans for quickly; the whole alternation it tries at every
    position), also with re.MULTILINE (``^`` at every line start). None when the pattern
    is not a plain alternation of such sequences."""
    if pattern.flags & re.IGNORECASE or pattern.groups:
        return None
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
    except (re.error, TypeError, ValueError):  # the stdlib parser changed: no gate, ftfy decides
        return None
    if len(parsed) == 1 and parsed[0][0] is _c.BRANCH:
        branches = parsed[0][1][1]
    else:
        branches = [parsed]
    found = []
    for branch in branches:
        classes = tuple(chars for op, av in branch if (chars := _char_class(op, av)) is not None)
        if not classes:
            return None
        found.append(
            (
                classes,
                _compiler.compile(branch, pattern.flags),
                _compiler.compile(branch, pattern.flags | re.MULTILINE),
            )
        )
    return tuple(found)


def looks_bad(text: str, *, any_line: bool = False) -> bool:
    """``ftfy.badness.is_bad(text)``, faster: a regex alternation matches somewhere iff one
    of its alternatives does, and only alternatives whose every character set the text
    has a character of are searched. ``any_line``: whether ``is_bad`` holds for any of
    the text's lines (ftfy's ``^[ÃÂ][ ]`` means a line's start there)."""
    if text.isascii():
        return False  # every alternative needs a non-ASCII character
    found = alternatives()
    if found is None:
        return True if any_line else is_bad(text)
    present = set(text)
    return any(
        all(not present.isdisjoint(c) for c in classes)
        and (multiline if any_line else compiled).search(text)
        for classes, compiled, multiline in found
    )


def ftfy_may_change(segment: str, *, any_line: bool = False) -> bool:
    """Whether ftfy (encoding fixes, C1 controls, surrogates, NFC) could change the text,
    or with ``any_line`` one of its lines."""
    if segment.isascii():
        return False
    return (
        looks_bad(segment, any_line=any_line)
        or bool(SURROGATES.search(segment))
        or not unicodedata.is_normalized("NFC", segment)
    )


def fix_encoding_gated(text: str, config: ftfy.TextFixerConfig) -> str:
    """``ftfy.fix_text(text, config)``, run only on the lines it could change.

    Exact: ftfy fixes each line on its own, and a line the gate passes over is one ftfy
    returns unchanged. The whole text is asked first, since most pages need nothing.
    """
    if not ftfy_may_change(text, any_line=True):
        return text
    lines = text.split("\n")
    last = len(lines) - 1
    out = []
    for index, line in enumerate(lines):
        segment = line if index == last else line + "\n"
        out.append(ftfy.fix_text(segment, config) if ftfy_may_change(segment) else segment)
    return "".join(out)
