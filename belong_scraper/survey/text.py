"""The survey report as text for a person at a terminal."""

from __future__ import annotations

from typing import Any

WIDTH = 100


def _pct(share: float) -> str:
    return f"{share * 100:5.1f}%"


def render_text(report: dict[str, Any]) -> str:
    """The report, section by section; the same facts as ``--json``."""
    out = [
        f"Survey of {report['start_url']}: {report['fetched']} URLs fetched "
        f"(limit {report['pages_limit']}; {report['robots_refused']} more refused by robots.txt), "
        f"profile: {report['profile'] or 'none'}",
        f"Hosts of the site: {', '.join(report['hosts']) or '-'}",
        "Statuses: " + ", ".join(f"{k}: {v}" for k, v in report["statuses"].items()),
        "",
        "URL families (count, page type, examples):",
    ]
    for fam in report["families"]:
        kinds = ", ".join(f"{k} ({n})" for k, n in fam["page_types"].items())
        if report["profile"] is None:
            kinds = f"guess: {fam.get('guess') or '-'}"
        elif not kinds:
            kinds = "NO PAGE TYPE" if fam["html_pages"] else "-"
        statuses = "/".join(f"{k}" for k in fam["statuses"])
        more = f" (+{fam['unfetched']} not fetched)" if fam["unfetched"] else ""
        out.append(f"  {fam['count']:4d}  {fam['family']:<44} {kinds}  [HTTP {statuses}]{more}")
        for example in fam["examples"][:2]:
            out.append(f"        {example}")
    if "page_types" in report:
        out += ["", "Page types of the profile:"]
        for kind, entry in report["page_types"].items():
            families = ", ".join(entry["families"]) or "NO PAGE SAMPLED"
            out.append(f"  {kind:<14} {entry['pages']:4d} pages  {families}")
        unmatched = report["unmatched_families"]
        out.append("  Families no page type matched: " + (", ".join(unmatched) or "none"))
        out += ["", "Selectors (share of the page type's pages matched, sample):"]
        for kind, table in report["selectors"].items():
            out.append(f"  {kind}:")
            for key, entry in table.items():
                sample = entry["sample"] or ""
                line = f"    {key:<22} {_pct(entry['share'])} ({entry['matched']}/{entry['pages']})"
                out.append(f"{line}  {sample[:48]!r}" if sample else line)
    same = report["same_page_params"]
    out += [
        "",
        "Parameters that did not change the page (drop_params candidates): "
        + (", ".join(f"{n} ({e['same']} URLs)" for n, e in same.items()) or "none"),
    ]
    if report.get("params_not_followed"):
        out.append("  not followed once seen: " + ", ".join(report["params_not_followed"]))
    php = report["php_errors"]
    out += ["", f"PHP errors: {php['total']} on {php['pages']} pages"]
    for level, entry in php["by_level"].items():
        out.append(
            f"  {level:<18} {entry['count']:4d} on {entry['pages']} pages, e.g. {entry['example']}"
        )
    enc = report["encodings"]
    out += [
        "",
        "Encodings: detected "
        + ", ".join(f"{k}: {v}" for k, v in enc["detected"].items())
        + "; declared "
        + ", ".join(f"{k}: {v}" for k, v in enc["declared"].items()),
        f"  windows-1252 pages: {len(enc['windows_1252'])}",
        *[f"    {url}" for url in enc["windows_1252"][:5]],
        f"  declared otherwise than read: {len(enc['mismatches'])}",
        *[
            f"    {m['url']}: declared {m['declared'] or 'nothing'}, read as {m['detected']}"
            for m in enc["mismatches"][:5]
        ],
        f"  mojibake (double-encoded UTF-8) on {len(enc['mojibake'])} pages",
        *[f"    {m['url']}: {m['line']!r}" for m in enc["mojibake"][:5]],
    ]
    if "chrome" in report:
        chrome = report["chrome"]
        out += ["", f"Chrome of the profile found, on {chrome['pages']} HTML pages:"]
        for selector, count in chrome["selectors"].items():
            out.append(f"  selector {selector:<30} {count:4d} pages")
        for phrase, count in chrome["phrases"].items():
            out.append(f"  phrase   {phrase[:60]:<60} {count:4d} pages")
    if report["fetch_errors"]:
        out += ["", f"Fetch errors: {len(report['fetch_errors'])}"]
        out += [f"  {e['url']}: {e['error']}" for e in report["fetch_errors"][:10]]
    return "\n".join(out) + "\n"
