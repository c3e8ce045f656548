# Every setting is in pyproject.toml. This file exists because scrapyd-deploy builds the
# egg with `setup.py bdist_egg` and, without one, writes its own (another name, version
# and package list).
from setuptools import setup

setup()
