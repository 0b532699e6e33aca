"""Named groups of actors used by metrics, scenarios and claims.

These are analysts' groupings (ISO3 codes), not institutions with rules:
institutions live in the world tables with their members and provenance.
"""

from __future__ import annotations

__all__ = ["AXIS", "GROUPS", "HEDGERS", "IP4", "WEST_POLES"]

AXIS = ("CHN", "RUS", "PRK")
IP4 = ("JPN", "KOR", "AUS", "NZL")
HEDGERS = ("IND", "IDN", "PHL", "MYS", "SGP", "VNM")
WEST_POLES = ("USA",)
EUROPE_NATO = (
    "GBR", "FRA", "DEU", "ITA", "ESP", "POL", "LTU", "LVA", "EST", "HUN", "NLD", "BEL",
    "NOR", "DNK", "FIN", "SWE", "CZE", "ROU", "PRT", "GRC", "TUR", "SVK", "BGR", "HRV",
    "SVN", "ALB", "MNE", "MKD", "LUX", "ISL",
)
BALTIC = ("LTU", "LVA", "EST")
INDO_PACIFIC_ASIA = ("CHN", "PRK", "JPN", "KOR", "TWN", "IND", "IDN", "PHL", "MYS", "SGP", "VNM", "AUS", "NZL")

GROUPS: dict[str, tuple[str, ...]] = {
    "axis": AXIS,
    "ip4": IP4,
    "hedgers": HEDGERS,
    "europe_nato": EUROPE_NATO,
    "baltic": BALTIC,
    "indo_pacific_asia": INDO_PACIFIC_ASIA,
}
