"""Item pipelines of belong_scraper, one job each; README.md gives their order."""
