"""Time reading a survey in each supported format, against the tidy CSV.

Run: ``python benchmarks/bench_readers.py [N_RESPONDENTS]`` (default 20,000;
100 facets). Writes the same survey as a tidy CSV, a platform export (two
extra header rows), SPSS ``.sav`` (value labels, missing codes 0 and 99),
Stata ``.dta`` and Excel ``.xlsx``, then prints each file's size and the best
of three read times through ``emomotiv.read_table``, and checks that every
format reads back to the same ratings (printed; nothing is asserted).

Measured 2026-12-02 on the 2-core development machine shared with four
other jobs (``nice -n 10``), 20,000 x 116 (best of three reads):

    format        size MB  read s  x CSV
    csv              7.96    0.43   1.00
    platform csv     7.97    0.72   1.67
    spss            18.58    2.59   6.00   (11.60 s before the missing-range
                                            masks were vectorised)
    stata           18.64    1.38   3.19
    excel            7.62   33.78  78.13   (openpyxl; 97 s when the header
                                            probe read the sheet a second time)

Every format read back to the same ratings. Excel is the slow one: for large
surveys, export CSV or SPSS instead.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import emomotiv as em


def _write_all(survey, catalog, folder: Path) -> dict[str, Path]:
    import pyreadstat

    facets = list(catalog["facet"])
    paths = {"csv": folder / "survey.csv"}
    survey.to_csv(paths["csv"], index=False)
    text = [f"Rate each - {c}" for c in survey.columns]
    ids = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(survey.columns))]
    paths["platform csv"] = folder / "export.csv"
    header = pd.DataFrame([text, ids], columns=survey.columns)
    pd.concat([header, survey.astype(object)]).to_csv(
        paths["platform csv"], index=False
    )
    coded = survey.copy()
    coded[facets] = coded[facets].fillna(0.0)
    paths["spss"] = folder / "survey.sav"
    pyreadstat.write_sav(
        coded,
        str(paths["spss"]),
        variable_value_labels={
            f: {0: "n/a", 1: "Poor", 10: "Excellent", 99: "Refused"} for f in facets
        },
        missing_ranges={f: [0, 99] for f in facets},
    )
    paths["stata"] = folder / "survey.dta"
    pyreadstat.write_dta(survey, str(paths["stata"]))
    paths["excel"] = folder / "survey.xlsx"
    survey.to_excel(paths["excel"], index=False)
    return paths


def run(n_respondents: int = 20_000) -> None:
    s = em.make_survey(n_respondents=n_respondents, random_state=0)
    survey = s.survey.drop(columns=["respondent_id", "wave", "customer_type"])
    facets = list(s.catalog["facet"])
    with tempfile.TemporaryDirectory() as tmp:
        paths = _write_all(survey, s.catalog, Path(tmp))
        rows, base = [], None
        for name, path in paths.items():
            times = []
            for _ in range(3):
                start = time.perf_counter()
                read = em.read_table(path)
                times.append(time.perf_counter() - start)
            same = np.allclose(
                read[facets].to_numpy(float),
                survey[facets].to_numpy(float),
                equal_nan=True,
            )
            base = base or min(times)
            rows.append(
                {
                    "format": name,
                    "size MB": path.stat().st_size / 1e6,
                    "read s": min(times),
                    "x CSV": min(times) / base,
                    "same ratings": same,
                }
            )
    print(f"survey: {len(survey)} x {survey.shape[1]}")
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.2f"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_respondents", type=int, nargs="?", default=20_000)
    run(parser.parse_args().n_respondents)


if __name__ == "__main__":
    main()
