"""The one door to the model for the app and the command line: they call nothing else.

One set of rules for both: which files are accepted (:mod:`.datasets`), which year is
the default and which categories exist (:mod:`.views`), and what each download holds
(:mod:`.outputs`). Functions here are pure; the app caches them on ``Dataset.key``,
the content key of the data, so no session ever sees another's upload.

==================================  ==========================================================
open_dataset, UserFiles, UserFile   the embedded data plus a user's files (InputError if not)
boundary_layers                     the layers of a boundary file (a choice when it holds several)
year_view, YearView                 a year's measures; years, default_year, check_year, year_for_files
year_shapes, measure_notice         what to draw and what to say when a measure is empty
shortfall_table, shortfall_csv      the shortfall table and its CSV (same bytes everywhere)
regional_summary, top_regions       regional concentration
all_years, authority_detail         trends and the detail panel
compare_table                       authorities side by side
run_scenario, parse_changes         open or close places
placements_report, road_graph       a user's placements list measured
distance_matrix                     authority-to-authority distances
dfe_neighbours, benchmarks          DfE's statistical neighbours; England / region / neighbours' average
year_benchmark_rows                 DfE's England and region rows of a year (benchmarks' per-year part)
shortfall_ees_csv, neighbours_csv   the export in DfE's open-data layout; every authority's DfE neighbours
find_authority                      an authority by name or ONS code, as at a year
authority_profile, Profile          one authority's printable profile; profile_html / profile_pdf write it
csv, apply_disclosure, RULES        CSV bytes with disclosure control
formats, format_value, header       how every figure and column heading is written on screen
==================================  ==========================================================
"""

from sufficiency.dataset import Dataset
from sufficiency.errors import BoundaryError, InputError, MissingColumnError, Problem, SufficiencyError
from sufficiency.export import RULES, apply_disclosure
from sufficiency.export import export_csv as csv
from sufficiency.model import formats
from sufficiency.model.formats import format_value, header
from sufficiency.readers.files import MAX_INPUT_BYTES
from sufficiency.registry import REGIONS
from sufficiency.report.profile import Profile
from sufficiency.service.benchmarks import (
    BENCHMARK_MEASURES,
    VINTAGES,
    benchmarks,
    dfe_neighbours,
    find_authority,
    neighbours_csv,
    neighbours_table,
    shortfall_ees_csv,
    year_benchmark_rows,
)
from sufficiency.service.datasets import (
    NET_GAIN_ALONE,
    UserFile,
    UserFiles,
    embedded,
    file_arguments,
    open_dataset,
)
from sufficiency.service.outputs import (
    PlacementsReport,
    ScenarioResult,
    check_changes,
    distance_matrix,
    flows_csv,
    parse_changes,
    placements_report,
    road_graph,
    run_scenario,
    scenario_csv,
    shortfall_csv,
)
from sufficiency.service.profiles import (
    authority_profile,
    profile_command,
    profile_file_name,
    profile_html,
    profile_pdf,
    profile_slug,
)
from sufficiency.service.user_files import boundary_layers
from sufficiency.service.views import (
    CATEGORIES,
    CATEGORIES_DEFAULT,
    COMPARE_MEASURES,
    MEASURES,
    YearView,
    all_years,
    authority_detail,
    check_region,
    check_year,
    compare_table,
    default_year,
    measure_notice,
    parse_categories,
    regional_summary,
    shortfall_table,
    top_regions,
    year_for_files,
    year_shapes,
    year_view,
    years,
)

__all__ = [
    "BENCHMARK_MEASURES", "VINTAGES", "benchmarks", "dfe_neighbours", "find_authority", "neighbours_csv",
    "neighbours_table", "shortfall_ees_csv", "year_benchmark_rows",
    "CATEGORIES", "CATEGORIES_DEFAULT", "COMPARE_MEASURES", "Dataset", "MAX_INPUT_BYTES", "MEASURES", "NET_GAIN_ALONE",
    "REGIONS", "RULES", "InputError", "BoundaryError", "MissingColumnError", "PlacementsReport", "Problem",
    "ScenarioResult", "SufficiencyError", "UserFile", "UserFiles", "YearView", "all_years", "apply_disclosure",
    "authority_detail", "boundary_layers", "check_changes", "check_region",
    "check_year", "compare_table", "csv", "default_year", "distance_matrix", "embedded", "file_arguments", "flows_csv",
    "format_value",
    "formats", "header", "measure_notice",
    "open_dataset", "parse_categories", "parse_changes", "placements_report", "regional_summary", "road_graph",
    "run_scenario", "scenario_csv", "shortfall_csv", "shortfall_table", "top_regions", "year_for_files", "year_shapes",
    "year_view", "years", "Profile", "authority_profile", "profile_command", "profile_file_name", "profile_html",
    "profile_pdf", "profile_slug",
]
