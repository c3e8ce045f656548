"""The export's own WordPress must-use plugin, ``DIR/wordpress-plugin/belong-migration.php``.

Why: ``wordpress.xml`` alone does not make a working site. The importer skips items of a
post type nobody registered (partners, clusters), WordPress's default permalinks resolve
none of the records' new paths, and the home-page record would be one page among others.
The plugin is one PHP file from ``templates/wordpress-plugin.php.j2``; what is particular
to the export (post types and their labels, fields, the permalink structure, the home
record, the authors) is a JSON block in it, made here from the records and the profile's
``[target]``. No host, port or other test-only setting goes in: it is what a site owner
installs.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import jinja2

from belong_scraper.profile.target import Target
from belong_scraper.targets import ExportSource, FolderSource, atomic_stream
from belong_scraper.targets.wxr import (
    COMMON_FIELDS,
    DEFAULT_AUTHOR,
    POST_TYPES,
    TYPE_FIELDS,
    author_login,
)

FOLDER = "wordpress-plugin"
FILE_NAME = f"{FOLDER}/belong-migration.php"
# WordPress's permalink tags for the placeholders of the profile's article path.
PERMALINK_TAGS = {"year": "%year%", "month": "%monthnum%", "slug": "%postname%"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# A role that can own, write and publish posts (the importer's default is a subscriber).
AUTHOR_ROLE = "author"


def write_wordpress_plugin(
    out_dir: Path,
    source: ExportSource | None,
    target: Target,
    *,
    described: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write the plugin into ``DIR/wordpress-plugin/``; return its settings. ``described``
    gets the file's manifest entry."""
    out_dir = Path(out_dir)
    source = FolderSource(out_dir) if source is None else source
    config = plugin_config(source, target)
    text = render_plugin(config)
    with atomic_stream(out_dir / FILE_NAME) as stream:
        stream.write(text.encode("utf-8"))
    if described is not None:
        described[FILE_NAME] = stream.entry()
    return config


def plugin_config(source: ExportSource, target: Target) -> dict[str, Any]:
    """The plugin's settings, from one pass over the articles (authors) and pages (home)."""
    authors = {DEFAULT_AUTHOR}
    for record in source.records("articles"):
        if record.get("author"):
            authors.add(author_login(record["author"]))
    home = target.paths.home
    front_page = next((r["id"] for r in source.records("pages") if r.get("path") == home), None)
    sections = {section.dir: section.title for section in target.sections}
    paths = {"partner": target.paths.partner, "cluster": target.paths.cluster}
    post_types = {}
    for post_type in sorted(set(POST_TYPES.values()) - {"post", "page"}):
        section = _section(paths[post_type])
        singular = post_type.replace("_", " ").capitalize()
        post_types[post_type] = {
            "singular": singular,
            "plural": sections.get(section or "", f"{singular}s"),
            "section": section,
        }
    config: dict[str, Any] = {
        "permalink_structure": permalink_structure(target.paths.article),
        "post_types": post_types,
        "fields": {
            post_type: [*COMMON_FIELDS, *TYPE_FIELDS[post_type]]
            for post_type in sorted(set(POST_TYPES.values()))
        },
        "front_page": front_page,
        "authors": sorted(authors),
        "author_role": AUTHOR_ROLE,
    }
    # The plugin re-applies its settings (permalinks, rules) once per version.
    digest = hashlib.sha256(json.dumps(config, sort_keys=True).encode("utf-8")).hexdigest()
    return {"version": digest[:12], **config}


def permalink_structure(article_template: str) -> str:
    """WordPress's permalink structure for the profile's dated article path, so the
    permalinks WordPress makes for posts are their records' paths; a template with a
    placeholder WordPress has no tag for falls back to ``/%postname%/`` (the plugin
    resolves every record's exact path either way)."""
    names = PLACEHOLDER.findall(article_template)
    if any(name not in PERMALINK_TAGS for name in names):
        return "/%postname%/"
    return PLACEHOLDER.sub(lambda m: PERMALINK_TAGS[m.group(1)], article_template)


def render_plugin(config: dict[str, Any]) -> str:
    """The PHP file. The JSON sits in a nowdoc, which PHP takes byte for byte; it is
    ASCII with one key or value a line, so no line of it can close the nowdoc."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("belong_scraper", "templates"),
        autoescape=False,  # PHP source, not HTML: the one inserted value is JSON in a nowdoc
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    config_json = json.dumps(config, indent=1, sort_keys=True, ensure_ascii=True)
    template = environment.get_template("wordpress-plugin.php.j2")
    return template.render(version=config["version"], config_json=config_json)


def _section(template: str) -> str | None:
    """The first segment of a path template when it is fixed text (``partners``)."""
    first = template.strip("/").split("/", 1)[0]
    return first if first and not PLACEHOLDER.search(first) else None
