"""The export, as explicit stages run once the crawl is over (docs/architecture.md).

assemble → handoff (assets, links, redirects) → records (JSON, CSV) → renderings (Hugo,
WXR) → manifest (ledger, manifest; then changes, report, archive and checksums inside
the state's transaction). Each stage is a function taking what the previous stages
computed (small dataclasses in ``run``), never a file one of them wrote, so each can be
run in-process without a crawl. ``pipelines/export.py`` collects the items and calls
``stages.run_export``.
"""
