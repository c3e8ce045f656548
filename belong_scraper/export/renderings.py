"""Stage 4, renderings: the Hugo tree and the WordPress WXR file of the export.

They read the rows the records stage put aside (an ``ExportSource``), not the files it
wrote, and hand back the manifest entries of what they wrote. A record one of them cannot
render is left out of it and rejected at that stage; the report is rendered after the
change set, since it reports it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from belong_scraper.export.run import ExportRun, HandedOff
from belong_scraper.items import Rejected
from belong_scraper.targets import ExportSource
from belong_scraper.targets.hugo import write_hugo
from belong_scraper.targets.wordpress_plugin import write_wordpress_plugin
from belong_scraper.targets.wxr import write_wxr

logger = logging.getLogger(__name__)


@dataclass
class Rendered:
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    wxr: dict[str, Any] = field(default_factory=dict)  # facts of the WXR rendering


def renderings_stage(run: ExportRun, handed: HandedOff, source: ExportSource) -> Rendered:
    out_dir, profile = run.out_dir, run.profile
    rendered = Rendered()
    failures: dict[str, dict[str, str]] = {"hugo": {}, "wxr": {}}
    write_hugo(
        out_dir, source, site_title=profile.site_title, language=profile.default_language,
        target=profile.target, failures=failures["hugo"], described=rendered.files,
    )  # fmt: skip
    rendered.wxr = write_wxr(
        out_dir, source, site_title=profile.site_title, language=profile.default_language,
        description=profile.target.site_description, failures=failures["wxr"],
        described=rendered.files,
    )  # fmt: skip
    # The export's WordPress plugin (post types, permalinks, front page) beside the WXR.
    write_wordpress_plugin(out_dir, source, profile.target, described=rendered.files)
    sources = {r.id: r.source_url for r in handed.assembled}
    for stage, failed in failures.items():
        for record_id, error in sorted(failed.items()):
            logger.warning("%s could not render %s: %s", stage, record_id, error)
            if record_id in sources:
                handed.rejected.append(Rejected(url=sources[record_id], error=error,
                                                stage=stage, record_id=record_id))  # fmt: skip
            else:  # an attachment (of a post that could not be rendered)
                rendered.wxr.setdefault("unrendered", []).append(
                    {"item": record_id, "error": error}
                )
    handed.handoff.wxr = rendered.wxr
    return rendered
