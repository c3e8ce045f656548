"""Dates in every form the legacy site wrote them, and the year of year-less prose dates."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from dateparser.languages.loader import default_loader

# 2023-03-28 or 2023-03-28 09:30:00
ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\b")
# 28/03/2023, 28.03.2023, 28-03-2023: day first, as everywhere in the EU.
NUMERIC_DMY = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b")
WORD = r"[^\W\d_]{3,12}\.?"
ORDINAL = r"(?:st|nd|rd|th|º|ª|er|η)?"
# 28 March 2023, 28th of March, 2023, 28 de marzo de 2023, 28 mars 2023, 28 Μαρτίου 2023
DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}}){ORDINAL}\.?\s+(?:of\s+|de\s+)?({WORD})\s*,?\s+(?:de\s+|del\s+)?(\d{{4}})\b",
    re.IGNORECASE,
)
# March 28, 2023 / March 28th 2023
MONTH_DAY_YEAR = re.compile(rf"\b({WORD})\s+(\d{{1,2}}){ORDINAL},?\s+(\d{{4}})\b", re.IGNORECASE)
# Year-less prose: "On Tuesday 28th March", "On 23-24 February", "el 5 de mayo".
PROSE_DAY_MONTH = re.compile(
    rf"(?:\b({WORD}),?\s+)?(?:the\s+)?\b(\d{{1,2}}){ORDINAL}"
    rf"(?:\s*(?:-|–|/|&|and|y|et|e)\s*(\d{{1,2}}){ORDINAL})?\s+(?:of\s+|de\s+)?({WORD})"
    rf"(?!\s*,?\s*(?:de\s+)?\d{{4}})",
    re.IGNORECASE,
)
# "On Tuesday, March 28th"
PROSE_MONTH_DAY = re.compile(
    rf"(?:\b({WORD}),?\s+)?\b({WORD})\s+(\d{{1,2}}){ORDINAL}(?:\s*(?:-|–)\s*(\d{{1,2}}){ORDINAL})?"
    rf"(?!\s*,?\s*\d{{4}})\b",
    re.IGNORECASE,
)

# Weekday names (Monday = 0) in the languages the site writes in.
WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "pt": "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira sábado domingo",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "ro": "luni marți miercuri joi vineri sâmbătă duminică",
    "sv": "måndag tisdag onsdag torsdag fredag lördag söndag",
    "el": "δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή",
}
WEEKDAY_NUMBER = {
    name: number for names in WEEKDAYS.values() for number, name in enumerate(names.split())
}
WEEKDAY_NUMBER.update(
    {
        "lunedi": 0,
        "martedi": 1,
        "mercoledi": 2,
        "giovedi": 3,
        "venerdi": 4,
        "miercoles": 2,
        "sabado": 5,
        "marti": 1,
        "sambata": 5,
        "duminica": 6,
    }
)


@dataclass(frozen=True)
class FoundDate:
    value: date
    raw: str


@dataclass(frozen=True)
class ProseDate:
    """A day and month written without a year, with the weekday when the text names it."""

    day: int
    month: int
    weekday: int | None
    raw: str


def _fold(word: str) -> str:
    return word.strip(".").casefold()


def _unaccented(word: str) -> str:
    """Without its accents: "fevrier" and "marco" are written for février and março too."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip


@cache
def month_names(languages: tuple[str, ...]) -> dict[str, int]:
    """Every month name and abbreviation dateparser knows in the languages, folded, to its
    number: read from its locale data once, instead of parsing a made-up date per word
    (which compiles dateparser's parsers for every language: most of a small run's start)."""
    names: dict[str, int] = {}
    for language in languages:
        info = default_loader.get_locale(language).info
        for number, month in enumerate(MONTHS, 1):
            for name in info.get(month, ()):
                names.setdefault(_fold(name), number)  # the profile's first language wins
    for name, number in list(names.items()):
        names.setdefault(_unaccented(name), number)
    return names


def month_number(word: str, languages: tuple[str, ...]) -> int | None:
    """The month a word names in any of the languages, or None."""
    word = _fold(word)
    if len(word) < 3 or word in WEEKDAY_NUMBER:
        return None
    names = month_names(languages)
    return names.get(word) or names.get(_unaccented(word))


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, languages: Sequence[str]) -> FoundDate | None:
    """The first full date (day, month and year) written in the text, in any known form."""
    langs = tuple(languages)
    best: tuple[int, FoundDate] | None = None

    def offer(start: int, found: date | None, raw: str) -> None:
        nonlocal best
        if found and (best is None or start < best[0]):
            best = (start, FoundDate(found, raw.strip()))

    for m in ISO_DATE.finditer(text):
        offer(m.start(), _valid(int(m[1]), int(m[2]), int(m[3])), m[0])
        break
    for m in NUMERIC_DMY.finditer(text):
        offer(m.start(), _valid(int(m[3]), int(m[2]), int(m[1])), m[0])
        break
    for m in DAY_MONTH_YEAR.finditer(text):
        month = month_number(m[2], langs)
        if month:
            offer(m.start(), _valid(int(m[3]), month, int(m[1])), m[0])
            break
    for m in MONTH_DAY_YEAR.finditer(text):
        month = month_number(m[1], langs)
        if month:
            offer(m.start(), _valid(int(m[3]), month, int(m[2])), m[0])
            break
    return best[1] if best else None


def find_prose_date(text: str, languages: Sequence[str]) -> ProseDate | None:
    """The first year-less "Tuesday 28th March" / "23-24 February" date in the text."""
    langs = tuple(languages)
    candidates: list[tuple[int, ProseDate]] = []
    for m in PROSE_DAY_MONTH.finditer(text):
        month = month_number(m[4], langs)
        if month and 1 <= int(m[2]) <= 31:
            weekday = WEEKDAY_NUMBER.get(_fold(m[1] or ""))
            start = m.start(1) if weekday is not None else m.start(2)
            raw = text[start : m.end()].strip()
            candidates.append((m.start(), ProseDate(int(m[2]), month, weekday, raw)))
            break
    for m in PROSE_MONTH_DAY.finditer(text):
        month = month_number(m[2], langs)
        if month and 1 <= int(m[3]) <= 31:
            weekday = WEEKDAY_NUMBER.get(_fold(m[1] or ""))
            start = m.start(1) if weekday is not None else m.start(2)
            raw = text[start : m.end()].strip()
            candidates.append((m.start(), ProseDate(int(m[3]), month, weekday, raw)))
            break
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def upload_months(urls: Iterable[str], upload_path: re.Pattern[str]) -> list[tuple[int, int]]:
    """(year, month) of every upload path (the profile's, e.g. /uploads/YYYY/MM/) among
    the URLs."""
    found = []
    for url in urls:
        m = upload_path.search(url or "")
        if m and 1 <= int(m["month"]) <= 12:
            found.append((int(m["year"]), int(m["month"])))
    return found


@dataclass(frozen=True)
class Inference:
    value: date | None
    evidence: tuple[str, ...]
    ambiguous: bool = False


def infer_year(
    prose: ProseDate,
    years: Iterable[int],
    uploads: Sequence[tuple[int, int]] = (),
    not_before: date | None = None,
    not_after: date | None = None,
) -> Inference:
    """Choose the year of a year-less date from the evidence, strongest first.

    The weekday and the listing neighbours (``not_before``/``not_after``) rule years out;
    the upload path of the article's files then picks among what is left.
    """
    candidates = [d for y in years if (d := _valid(y, prose.month, prose.day))]
    evidence: list[str] = ["project-period"]
    if prose.weekday is not None:
        matching = [d for d in candidates if d.weekday() == prose.weekday]
        if matching:
            candidates, evidence = matching, [*evidence, "weekday"]
    bounded = [
        d
        for d in candidates
        if (not_before is None or d >= not_before) and (not_after is None or d <= not_after)
    ]
    if bounded and len(bounded) < len(candidates):
        candidates, evidence = bounded, [*evidence, "listing"]
    if len(candidates) > 1 and uploads:
        # Files are uploaded shortly before the article goes out: the closest year wins.
        votes = Counter(year for year, _ in uploads)
        year = max(votes, key=lambda y: (votes[y], -y))
        near = [d for d in candidates if d.year == year]
        if near:
            candidates, evidence = near, [*evidence, "upload-path"]
    if not candidates:
        return Inference(None, tuple(evidence), ambiguous=True)
    return Inference(candidates[0], tuple(evidence), ambiguous=len(candidates) > 1)
