"""Write the database back as a dataset file in the same format the loader reads."""

import yaml
from sqlmodel import Session, col, select

from app.dataset.schema import Dataset
from app.store import models as m


def export_dataset(session: Session) -> Dataset | None:
    """The dataset of the latest revision, exactly as it was loaded (joint stances, partial
    dates and all), so export and load round-trip losslessly."""
    rev = session.exec(select(m.Revision).order_by(col(m.Revision.id).desc()).limit(1)).first()
    return None if rev is None else Dataset.model_validate(rev.content)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line text (Markdown descriptions) reads best as a literal block.
    style = "|" if "\n" in value else None
    # YAML reads NEL, LS and PS as line breaks; only double quotes keep them verbatim.
    if any(ch in value for ch in "\x85\u2028\u2029\r") or (style and value != value.rstrip(" ")):
        style = '"'

    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(ds: Dataset) -> str:
    data = ds.model_dump(mode="python", exclude_defaults=True)
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
