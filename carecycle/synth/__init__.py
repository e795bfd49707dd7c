"""The synthetic SMB software-licensing business used by the demo, tests and benchmarks.

`generate_world` builds every importable entity as Arrow tables from a seed, an account
count and an as-of date; `write_world` writes them as CSV or Parquet for the importer.
"""

from carecycle.synth.files import write_world
from carecycle.synth.world import World, generate_world

__all__ = ["World", "generate_world", "write_world"]
