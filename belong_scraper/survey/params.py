"""Query parameters that show the same page as the URL without them (``?replytocom=``,
a related-posts tracker), learnt while the survey crawls, so the sample is not spent on
copies of pages it already has."""

from __future__ import annotations

from collections import Counter, defaultdict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Copies seen, none differing, before a parameter is no longer followed.
EVIDENCE = 2


class SamePageParams:
    """Compares the body digest of each URL with a query to its URL without one."""

    def __init__(self) -> None:
        self.bare_digest: dict[str, str] = {}
        self.waiting: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
        self.same: Counter[str] = Counter()
        self.differ: Counter[str] = Counter()

    def note(self, url: str, digest: str) -> None:
        """One page read: its canonical URL and the digest of its body."""
        parts = urlsplit(url)
        if not parts.query:
            self.bare_digest[url] = digest
            for other, other_digest in self.waiting.pop(url, []):
                self._judge(other, other_digest, digest)
            return
        bare = urlunsplit(parts._replace(query=""))
        if bare in self.bare_digest:
            self._judge(url, digest, self.bare_digest[bare])
        else:
            self.waiting[bare].append((url, digest))

    def _judge(self, url: str, digest: str, bare_digest: str) -> None:
        for name in {n for n, _ in parse_qsl(urlsplit(url).query)}:
            (self.same if digest == bare_digest else self.differ)[name] += 1

    def dropped(self) -> list[str]:
        """The parameters no longer followed: shown the same page often, never another."""
        return sorted(n for n, c in self.same.items() if c >= EVIDENCE and not self.differ[n])

    def fold(self, url: str) -> str:
        """The URL without the parameters no longer followed."""
        dropped = set(self.dropped())
        parts = urlsplit(url)
        if not dropped or not parts.query:
            return url
        kept = [
            (n, v) for n, v in parse_qsl(parts.query, keep_blank_values=True) if n not in dropped
        ]
        return urlunsplit(parts._replace(query=urlencode(kept)))
