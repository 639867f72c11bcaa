"""Database tables. Dataset rows are replaced as a whole on each load; Revision, Permalink and
LinkCheck survive loads because they are history and metadata, not content."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, MetaData, UniqueConstraint
from sqlmodel import Field, SQLModel

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
SQLModel.metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Dossier(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    title: str
    question: str
    summary: str = ""
    as_of: dt.date
    licence: str


class Criterion(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    title: str
    description: str = ""
    direction: str  # higher-is-better | lower-is-better
    default_weight: int
    scale: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))


class AttributeDef(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    title: str
    type: str  # bool | enum | number
    values: list[str] | None = Field(default=None, sa_column=Column(JSON))
    description: str = ""
    unit: str | None = None


class Stakeholder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    name: str
    kind: str  # state | organisation | person
    notes: str = ""


class DecisionBody(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    title: str
    rule: str  # unanimity | veto-members | majority | two-thirds | coalition
    notes: str = ""


class BodyMember(SQLModel, table=True):
    body_id: int = Field(foreign_key="decisionbody.id", primary_key=True, ondelete="CASCADE")
    stakeholder_id: int = Field(foreign_key="stakeholder.id", primary_key=True, index=True)
    position: int
    veto: bool


class Source(SQLModel, table=True):
    id: str = Field(primary_key=True)
    position: int
    title: str
    publisher: str
    date: dt.date
    url: str | None = None
    kind: str  # primary | secondary
    author: str | None = None
    notes: str = ""


class LinkCheck(SQLModel, table=True):
    """Result of `explorer check-sources`, keyed by URL: metadata, never part of the revision."""

    url: str = Field(primary_key=True)
    status: int | None = None
    ok: bool = False
    error: str | None = None
    final_url: str | None = None
    archive_url: str | None = None
    checked_at: dt.datetime


class Option(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    title: str
    category: str = Field(index=True)
    status: str = Field(index=True)
    proposed_by_id: int | None = Field(default=None, foreign_key="stakeholder.id")
    proposed_on: dt.date | None = None
    summary: str
    description: str = ""


class OptionAttribute(SQLModel, table=True):
    option_id: int = Field(foreign_key="option.id", primary_key=True, ondelete="CASCADE")
    attribute_id: int = Field(foreign_key="attributedef.id", primary_key=True)
    value: Any = Field(sa_column=Column(JSON, nullable=False))


class Assessment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("option_id", "criterion_id"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="option.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    score: int
    low: int | None = None
    high: int | None = None
    confidence: str  # low | medium | high
    rationale: str


class LegalHurdle(SQLModel, table=True):
    __table_args__ = (CheckConstraint("severity BETWEEN 1 AND 5", name="severity_range"),)
    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="option.id", index=True, ondelete="CASCADE")
    position: int
    instrument: str
    requires: str
    severity: int


class DecisionRoute(SQLModel, table=True):
    """One of an option's `routes:`, any one of which suffices. An option written with plain
    `steps:` has no row here: its steps have no route."""

    __table_args__ = (UniqueConstraint("option_id", "slug"),)
    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="option.id", index=True, ondelete="CASCADE")
    slug: str
    position: int
    title: str
    note: str = ""


class DecisionStep(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    option_id: int = Field(foreign_key="option.id", index=True, ondelete="CASCADE")
    route_id: int | None = Field(
        default=None, foreign_key="decisionroute.id", index=True, ondelete="CASCADE"
    )
    body_id: int = Field(foreign_key="decisionbody.id")
    ordinal: int
    action: str
    why: str = ""


class Stance(SQLModel, table=True):
    """One dated position; several per (stakeholder, option) form its history, latest wins."""

    __table_args__ = (
        CheckConstraint("position IS NULL OR position BETWEEN -2 AND 2", name="position_range"),
    )
    id: int | None = Field(default=None, primary_key=True)
    stakeholder_id: int = Field(foreign_key="stakeholder.id", index=True)
    option_id: int = Field(foreign_key="option.id", index=True, ondelete="CASCADE")
    # The route it addresses; None: every route of the option.
    route_id: int | None = Field(
        default=None, foreign_key="decisionroute.id", index=True, ondelete="CASCADE"
    )
    seq: int  # order in the file, to break ties and keep export order
    date: dt.date | None = None
    position: int | None = None  # None means unknown
    summary: str = ""
    quote: str | None = None
    quote_by: str | None = None


class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    position: int
    topic: str


class DisputeClaim(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    dispute_id: int = Field(foreign_key="dispute.id", index=True, ondelete="CASCADE")
    position: int
    claim: str


class Citation(SQLModel, table=True):
    """A claim -> source link. Exactly one of the claim columns is set."""

    __table_args__ = (
        # CASE, not a sum of booleans: PostgreSQL has no boolean + boolean.
        CheckConstraint(
            " + ".join(
                f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)"
                for c in ("assessment_id", "hurdle_id", "stance_id", "claim_id")
            )
            + " = 1",
            name="one_claim",
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(foreign_key="source.id", index=True)
    position: int
    locator: str = ""
    assessment_id: int | None = Field(
        default=None, foreign_key="assessment.id", index=True, ondelete="CASCADE"
    )
    hurdle_id: int | None = Field(
        default=None, foreign_key="legalhurdle.id", index=True, ondelete="CASCADE"
    )
    stance_id: int | None = Field(
        default=None, foreign_key="stance.id", index=True, ondelete="CASCADE"
    )
    claim_id: int | None = Field(
        default=None, foreign_key="disputeclaim.id", index=True, ondelete="CASCADE"
    )


class Revision(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)  # the revision number
    content_hash: str = Field(index=True)
    dossier_slug: str
    loaded_at: dt.datetime
    note: str = ""  # what the load changed, in the words of whoever loaded it
    # Who proposed and who approved it, for a revision published from a proposal (empty for
    # `explorer load`).
    author: str = Field(default="", sa_column_kwargs={"server_default": ""})
    reviewer: str = Field(default="", sa_column_kwargs={"server_default": ""})
    # The dataset as loaded, so a permalink's revision can be reproduced and diffed. This is
    # the canonical copy that pages and `explorer export` read; the tables above mirror it
    # for SQL users (joint stances expanded, partial dates at their first day).
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Permalink(SQLModel, table=True):
    """A comparison as it was: its canonical state on a dataset revision, on a day. The
    revision's dataset is stored once (Revision.content), so the comparison is rebuilt from it
    (app.store.permalinks) rather than stored per link (F2: up to 140 KB each)."""

    code: str = Field(primary_key=True)
    state: str  # canonical query string
    revision: int = Field(foreign_key="revision.id")
    # Only where the rebuilt comparison would differ from what was shown (and in rows made
    # before comparisons were rebuilt): then this is what the link shows.
    snapshot: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    # The format of `snapshot` (app.analysis.snapshot.SNAPSHOT_VERSION when it was stored);
    # rows from before the typed snapshot are 1, and are upgraded as they are read.
    snapshot_version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: dt.datetime = Field(index=True)  # the hourly cap counts the newest


class RateLimit(SQLModel, table=True):
    """Requests per client in fixed windows, shared by every process on the database."""

    key: str = Field(primary_key=True)  # what is limited and for whom: "permalink 203.0.113.9"
    # The window's start, in seconds since the epoch (64 bits: 2038 comes).
    window: int = Field(sa_column=Column(BigInteger, primary_key=True))
    hits: int


class DeploymentSetting(SQLModel, table=True):
    """Values one deployment keeps for all its instances, such as the permalink secret."""

    key: str = Field(primary_key=True)
    value: str


class Correction(SQLModel, table=True):
    """A reader's report of an error, sent with the "Report an error" form (no account): the
    page and, optionally, the cell it is about. Editors see the open ones in the
    review queue (/review), turn one into a proposal, or resolve them there or with
    `explorer corrections`."""

    __table_args__ = (CheckConstraint("status IN ('open', 'resolved')", name="status"),)

    id: int | None = Field(default=None, primary_key=True)
    page: str  # the site path reported, with its query: "/options/nato-membership"
    cell: str = ""  # the cell or passage, as the reader names it (may be empty)
    text: str  # what is wrong
    source_url: str | None = None  # a source the reader offers
    email: str | None = None  # for a reply, if the reader wants one
    status: str = Field(default="open", index=True)
    created_at: dt.datetime = Field(index=True)
    # The proposal an editor made of it (the newest, if one was rejected and another made).
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id")


# --- editors: accounts, sessions, tokens, proposals and the audit trail ------------------------


class User(SQLModel, table=True):
    """An editor, reviewer or admin. Readers have no account."""

    __table_args__ = (
        CheckConstraint("role IN ('editor', 'reviewer', 'admin')", name="role_known"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    role: str
    password_hash: str  # Argon2id, with its parameters and salt (argon2-cffi's format)
    disabled: bool = False
    created_at: dt.datetime


class UserSession(SQLModel, table=True):
    """A signed-in browser. Only a hash of the cookie's secret is stored."""

    secret_hash: str = Field(primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    csrf: str  # the token every form of this session carries
    created_at: dt.datetime
    expires_at: dt.datetime = Field(index=True)


class ApiToken(SQLModel, table=True):
    """A token for the JSON API (Authorization: Bearer). Only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    secret_hash: str = Field(unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked: bool = False


class Proposal(SQLModel, table=True):
    """A JSON Patch (RFC 6902) against the dataset of `base_revision`, and its review."""

    __table_args__ = (
        CheckConstraint("status IN ('open', 'approved', 'rejected')", name="status_known"),
    )
    id: int | None = Field(default=None, primary_key=True)
    base_revision: int = Field(foreign_key="revision.id")
    note: str
    patch: list[Any] = Field(sa_column=Column(JSON, nullable=False))
    author_id: int = Field(foreign_key="user.id", index=True)
    created_at: dt.datetime
    status: str = Field(default="open", index=True)
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_at: dt.datetime | None = None
    comment: str = ""
    published_revision: int | None = Field(default=None, foreign_key="revision.id")


class AuditEvent(SQLModel, table=True):
    """Append-only: the app inserts rows and never updates or deletes them."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(index=True)
    actor: str  # a user name, "cli" for the command line, or the name tried at a failed sign-in
    action: str  # sign-in, sign-in-failed, sign-out, proposal, approve, reject, publish, ...
    client: str = ""  # where from: the client address, or "command line"
    detail: str = ""
