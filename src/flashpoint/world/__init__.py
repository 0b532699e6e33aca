"""flashpoint.world: the sourced world, its provenance and its array view.

>>> from flashpoint.world import load_world
>>> w = load_world(2024)             # the default ~35-actor world, 2023 figures
>>> w.table()                        # pandas view for notebooks
>>> w.to_arrays()                    # WorldArrays for the engine
"""

from flashpoint.world.arrays import WorldArrays
from flashpoint.world.loader import DEFAULT_ACTORS, institutions, load_world, load_world_file
from flashpoint.world.model import Actor, Institution, Member, Relation, TradeTie, World
from flashpoint.world.provenance import Source, SourcedValue, sources

__all__ = [
    "DEFAULT_ACTORS",
    "Actor",
    "Institution",
    "Member",
    "Relation",
    "Source",
    "SourcedValue",
    "TradeTie",
    "World",
    "WorldArrays",
    "institutions",
    "load_world",
    "load_world_file",
    "sources",
]
