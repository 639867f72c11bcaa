"""`python -m tests.verdict_table [DATASET]`: each option's veto status and every route's, with
why uncertain, and the share of (option, route, veto holder) triples whose stance is unknown.

For closing notes and reviews: run it on two commits to compare verdicts before and after a
change of data or model. Not a test."""

import sys
from pathlib import Path

from app.analysis import walk
from app.config import DEFAULT_DATASET
from app.dataset.check import load_dataset


def main(path: Path) -> None:
    ds = load_dataset(path)
    unknown = total = 0
    for o in ds.options:
        a = walk.analyse_option(ds, o.slug)
        parts = []
        for r in a.routes or (a,):
            why = f" ({r.uncertain_kind})" if r.uncertain_kind else ""
            parts.append(f"{r.route or 'default'}: {r.status}{why}")
            holders = {h for s in r.steps for h in s.veto_holders}
            unknown += len(holders & set(r.uncertain))
            total += len(holders)
        print(f"{o.slug}: {a.status}, best route {a.route or 'default'}; " + "; ".join(parts))
    if total:
        print(f"unknown (option, route, veto holder) triples: {unknown} of {total}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATASET)
