"""The model catalog: which weights Hark uses and the PyPI packages that carry them (never the weights)."""
from pathlib import Path

CATALOG_PATH = Path(__file__).with_name("catalog.toml")
