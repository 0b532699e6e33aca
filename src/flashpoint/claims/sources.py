"""The five source articles, named by title, author, outlet and date as their own text gives them.

The claims cite a seed file (``source.seed``); people read the article. What a
seed's text does not say is marked as such rather than guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ARTICLES", "Article", "article", "cite"]

_NOT_STATED = "not stated in the text"


@dataclass(frozen=True)
class Article:
    """One seed article."""

    seed: str
    title: str
    author: str
    outlet: str
    date: str

    def citation(self) -> str:
        """``Author, "Title", Outlet, date``, with the missing parts left out."""
        title = self.title if self.title.startswith("untitled") else f"“{self.title}”"
        date = self.date.split(" (")[0]
        parts = [p for p in (self.author, title, self.outlet.split(" (")[0], date)
                 if p and _NOT_STATED not in p]
        return ", ".join(parts)


ARTICLES: Mapping[str, Article] = MappingProxyType({a.seed: a for a in (
    Article("000_e88f8b8d614da2d5.txt", "The errors of NATO’s East Asia engagement",
            "Ulv Hanssen and Linus Hagström", "East Asia Forum",
            "2023 (it discusses the July 2023 Vilnius summit and remarks made 'earlier in 2023')"),
    Article("001_e818867fe11d8965.txt",
            "untitled essay arguing NATO is 'not the correct forum' for countering China in Asia",
            f"author {_NOT_STATED}", f"outlet {_NOT_STATED}",
            f"date {_NOT_STATED} (a week after a Foreign Affairs essay by Jens Stoltenberg)"),
    Article("002_a7178c740b635dab.txt", "The Folly of Interlinking NATO and US Asian Alliances",
            f"author {_NOT_STATED}", "The Diplomat (Flashpoints section)",
            f"date {_NOT_STATED}"),
    Article("003_f849cc1ff9dd614b.txt", "Does NATO Have a Role in Asia?",
            f"author {_NOT_STATED}", "Council on Foreign Relations, Expert Brief (Asia Program)",
            "30 May 2024"),
    Article("004_b98a0458632f5616.txt", "NATO Should Stay Out of Asia", "Jeffrey Reeves",
            f"outlet {_NOT_STATED}", "July 2024 (the text: 'this week's summit in Washington, DC')"),
)})


def article(seed: str) -> Article | None:
    """The article of a seed file name, or None for a seed not shipped."""
    return ARTICLES.get(seed)


def cite(seed: str) -> str:
    """A short citation of the seed's article (the seed file name if unknown)."""
    a = ARTICLES.get(seed)
    return a.citation() if a is not None else seed
