"""The dataset's revision history for `/changes`, its feed and its JSON twin: read once per
revision (one query) and shared by every request until the next load."""

import threading

from sqlmodel import Session

from app.analysis.changes import RevisionChanges, StoredRevision, revision_changes
from app.dataset.schema import Dataset
from app.store import queries

_lock = threading.Lock()
Cache = dict[str, tuple[int, list[RevisionChanges]]]


def changes(session: Session, revision: int, cache: Cache) -> list[RevisionChanges]:
    """Newest first. `cache` belongs to the app (one per database); it is keyed on the current
    revision number, so a new load shows at once."""
    with _lock:
        hit = cache.get("changes")
        if hit is not None and hit[0] == revision:
            return hit[1]
        stored = [
            StoredRevision(
                r.number,
                r.loaded_at,
                r.note,
                Dataset.model_validate(r.content),
                r.author,
                r.reviewer,
            )
            for r in queries.revisions(session)
        ]
        out = revision_changes(stored)
        cache["changes"] = (revision, out)
        return out
