"""StateStore: the memory of the tool — runs, fetched pages, records and their changes.

Any SQLAlchemy database: SQLite by default, PostgreSQL supported (and tested). The schema
is brought to the newest Alembic revision when the store opens. A store serves one site of
the database (its key: `sites.site_key` of the start URL, or a name): every query is scoped
by it, so a fleet's sites share one PostgreSQL state without seeing each other's rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    create_engine,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, defer

from belong_scraper.items import RECORD_TYPES
from belong_scraper.state.migrations import HEAD_REVISION
from belong_scraper.state.models import FetchedPage, RecordChange, RecordState, Run, WatchItem
from belong_scraper.state.sites import site_key

# Rows per bulk statement in finish_run. A batch of records holds their whole data (bodies
# included) as dicts and as the JSON the driver is handed: 500 were 9 MB at the peak of a
# 4,000-article export; with 100 the state's stage was no slower (0.7 s at 4,000).
FLUSH_EVERY = 100


class StateError(RuntimeError):
    """The state database cannot be opened or written."""


class StateLocked(StateError):
    """Another run holds the state's lock."""


# The whole state's advisory lock. A site's run holds it shared and its site's key
# exclusively: runs of different sites go together, a holder of the whole state (a
# maintenance task, a test) excludes them all.
WHOLE_STATE = "belong-scraper"


def _advisory_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def default_db_url(out_dir: Path) -> str:
    """A SQLite file beside the output folder: <out>.state.sqlite."""
    out_dir = Path(out_dir).resolve()
    return f"sqlite:///{out_dir.parent / (out_dir.name + '.state.sqlite')}"


def _normalise_url(url: str) -> str:
    # "postgresql://" means psycopg (v3) here: it is the driver we install.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class StateStore:
    def __init__(self, url: str, site: str | None = None, start_url: str | None = None):
        """`site`: the site this store serves. Without one, the one site the database
        holds (a state made for one site stays that site's, whatever spelling of its URL
        a later run uses), else the key of `start_url` (or of the run it starts)."""
        self._site = site
        self._start_url = start_url
        self.url = _normalise_url(url)
        try:
            self.engine: Engine = create_engine(self.url)
            with self.engine.begin() as connection:
                revision = schema_revision(connection)
                if revision is None and not inspect(connection).get_table_names():
                    create_schema(connection)
                elif revision != HEAD_REVISION:
                    upgrade_schema(connection)
        except (ArgumentError, SQLAlchemyError, ImportError, OSError) as exc:
            raise StateError(f"cannot open state database {url}: {exc}") from exc

    def close(self) -> None:
        self.engine.dispose()

    @property
    def site(self) -> str:
        """The site every query is scoped by."""
        if self._site is None:
            with Session(self.engine) as session:
                sites = list(session.scalars(select(Run.site).distinct().limit(2)))
            if len(sites) == 1:
                self._site = sites[0]
            elif self._start_url:
                self._site = site_key(self._start_url)
            elif sites:
                raise StateError("the state database holds several sites: name one (--site)")
            else:
                return ""  # an empty state: nothing to find yet, nothing to write
        return self._site

    # -- lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, site: str | None = None) -> Iterator[None]:
        """One run of a site at a time: on PostgreSQL an advisory lock keyed by the site,
        held by one connection for the whole run (it dies with the process, or its node);
        without a site, the whole state. On SQLite a lock file beside the database (one
        run at a time: SQLite has one writer anyway). Raises StateLocked at once when
        another run holds it."""
        url = make_url(self.url)
        if url.get_backend_name() == "postgresql":
            # (function, key) pairs, taken in this order, released in reverse.
            if site is None:
                locks = [("advisory_lock", WHOLE_STATE)]
                busy = "another run is using this state database"
            else:
                locks = [("advisory_lock_shared", WHOLE_STATE), ("advisory_lock", f"site:{site}")]
                busy = f"another run is using site {site} of this state database"
            with self.engine.connect() as connection:
                held: list[tuple[str, int]] = []
                try:
                    for function, name in locks:
                        key = _advisory_key(name)
                        got = connection.execute(text(f"select pg_try_{function}(:k)"), {"k": key})
                        if not got.scalar():
                            raise StateLocked(busy)
                        held.append((function, key))
                    connection.commit()
                    yield
                finally:
                    for function, key in reversed(held):
                        unlock = function.replace("lock", "unlock", 1)
                        connection.execute(text(f"select pg_{unlock}(:k)"), {"k": key})
                    connection.commit()
            return
        database = url.database or ""
        path = Path(database + ".lock") if database and database != ":memory:" else None
        if path is None:
            yield
            return
        with path.open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StateLocked(f"another run is using {database} (lock {path})") from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- runs ---------------------------------------------------------------------------

    def start_run(
        self,
        run_id: str,
        start_url: str,
        started_at: datetime,
        settings: dict,
        kind: str = "migrate",
    ) -> None:
        if self._site is None:
            self._start_url = self._start_url or start_url
        site = self.site
        with Session(self.engine) as session, session.begin():
            run = session.get(Run, run_id)
            if run is None:  # a resumed run keeps its id and its start
                session.add(
                    Run(id=run_id, site=site, kind=kind, started_at=started_at,
                        start_url=start_url, status="running", counts={}, settings=settings)
                )  # fmt: skip
            else:
                run.status = "running"

    def last_run(self, kind: str = "migrate", exclude: str | None = None) -> str | None:
        """The newest finished run of a kind (its id), not counting `exclude`."""
        with Session(self.engine) as session:
            query = (
                select(Run.id)
                .where(Run.site == self.site, Run.kind == kind)
                .where(Run.status.in_(("complete", "incomplete")))
                .order_by(Run.started_at.desc(), Run.id.desc())
            )
            return next((r for r in session.scalars(query) if r != exclude), None)

    def runs(self) -> list[Run]:
        with Session(self.engine) as session:
            query = select(Run).where(Run.site == self.site).order_by(Run.started_at)
            return list(session.scalars(query))

    # -- records ------------------------------------------------------------------------

    def known_records(self, with_data: bool = True) -> dict[str, RecordState]:
        """Every record ever seen (removed ones too), by id, detached from the session.
        Without ``with_data`` each record's exported ``data`` is left in the database (a
        20,000-record state is then ids, paths and URLs): `record_data` fetches it."""
        query = select(RecordState).where(RecordState.site == self.site)
        if not with_data:
            query = query.options(defer(RecordState.data))
        with Session(self.engine, expire_on_commit=False) as session:
            return {r.id: r for r in session.scalars(query)}

    def record_data(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The exported data of the given records, as the last run that had them."""
        wanted, found = sorted(set(ids)), {}
        with Session(self.engine) as session:
            for start in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
                batch = wanted[start : start + 500]
                query = select(RecordState.id, RecordState.data).where(
                    RecordState.site == self.site, RecordState.id.in_(batch)
                )
                found.update({record_id: data for record_id, data in session.execute(query)})
        return found

    def record_hashes(self) -> dict[str, str]:
        return {k: v.content_sha256 for k, v in self.known_records().items()}

    def finish_run(
        self,
        run_id: str,
        status: str,
        counts: dict[str, int],
        records: Iterable[dict[str, Any]],
        pages: Iterable[dict[str, Any]],
        change_hashes: Mapping[str, str],
        removable: set[str] | None = None,
        before_commit: Callable[[dict[str, dict[str, list[str]]]], None] | None = None,
    ) -> dict[str, dict[str, list[str]]]:
        """Store the run; returns its change set by type: new, updated, removed ids.

        Updated means the change hash (the record's content, not crawl facts) changed.
        A known record missing from this run is marked removed only if it is in
        `removable` (gone, or no longer linked in a complete crawl); never deleted.
        `before_commit` gets the change set inside the transaction: if it raises (the
        export could not be finished), nothing of this run is stored.
        """
        changes: dict[str, dict[str, list[str]]] = {
            t: {"new": [], "updated": [], "removed": []} for t in RECORD_TYPES
        }
        now, site = datetime.now(UTC), self.site
        # Bulk statements a batch at a time (SQLAlchemy's executemany), not an ORM object
        # per row: the rows are the export's, nothing here is read back. A 20,000-record
        # run never holds them all.
        with Session(self.engine) as session, session.begin():
            run = session.get(Run, run_id)
            run.finished_at, run.status, run.counts = now, status, counts
            session.execute(FetchedPage.__table__.delete().where(FetchedPage.run_id == run_id))
            session.execute(RecordChange.__table__.delete().where(RecordChange.run_id == run_id))
            for batch in _batches(pages):
                rows = [{**page, "run_id": run_id, "site": site, "fetched_at": now}
                        for page in batch]  # fmt: skip
                session.execute(insert(FetchedPage), rows)
            columns = (RecordState.id, RecordState.type, RecordState.removed_in_run,
                       RecordState.change_sha256, RecordState.legacy_urls)  # fmt: skip
            mine = select(*columns).where(RecordState.site == site)
            known = {row.id: row for row in session.execute(mine)}
            seen: set[str] = set()
            for batch in _batches(records):
                added, updated, changed = [], [], []
                for data in batch:
                    record_id, kind = data["id"], data["id"].split("-", 1)[0]
                    seen.add(record_id)
                    state = known.get(record_id)
                    digest, change_digest = data["content_sha256"], change_hashes[record_id]
                    legacy = sorted(
                        set(data.get("legacy_urls", [])) | set(state.legacy_urls if state else [])
                    )
                    row = {"site": site, "id": record_id, "source_url": data.get("source_url"),
                           "path": data.get("path"), "slug": data.get("slug"),
                           "legacy_urls": legacy, "data": data, "content_sha256": digest,
                           "change_sha256": change_digest, "last_seen_run": run_id}  # fmt: skip
                    if state is None or state.removed_in_run is not None:
                        change = "new"
                        row.update(removed_in_run=None, last_changed_run=run_id)
                    elif state.change_sha256 != change_digest:
                        change = "updated"
                        row["last_changed_run"] = run_id
                    else:
                        change = None
                    if state is None:
                        added.append({**row, "type": kind, "first_seen_run": run_id})
                    else:
                        updated.append(row)
                    if change:
                        changes[kind][change].append(record_id)
                        changed.append({"run_id": run_id, "site": site, "record_id": record_id,
                                        "record_type": kind, "change": change,
                                        "content_sha256": digest})  # fmt: skip
                if added:
                    session.execute(insert(RecordState), added)
                if updated:
                    session.execute(update(RecordState), updated)
                if changed:
                    session.execute(insert(RecordChange), changed)
            removed, removals = [], []
            for record_id, state in known.items():
                if record_id in seen or state.removed_in_run is not None:
                    continue
                if removable is None or record_id in removable:
                    removed.append({"site": site, "id": record_id, "removed_in_run": run_id})
                    changes[state.type]["removed"].append(record_id)
                    removals.append({"run_id": run_id, "site": site, "record_id": record_id,
                                     "record_type": state.type, "change": "removed",
                                     "content_sha256": None})  # fmt: skip
            if removed:
                session.execute(update(RecordState), removed)
                session.execute(insert(RecordChange), removals)
            for kinds in changes.values():
                for ids in kinds.values():
                    ids.sort(key=_id_order)
            if before_commit is not None:
                session.flush()
                before_commit(changes)
        return changes

    # -- media validators ---------------------------------------------------------------

    def media_validators(self) -> dict[str, dict[str, Any]]:
        """The newest successful fetch of each media URL: ETag, Last-Modified, SHA-256."""
        with Session(self.engine) as session:
            query = (
                select(FetchedPage, Run.started_at)
                .join(Run, Run.id == FetchedPage.run_id)
                .where(FetchedPage.site == self.site, FetchedPage.kind == "media")
                .where(FetchedPage.status.in_((200, 304)))
                .order_by(Run.started_at)
            )
            found: dict[str, dict[str, Any]] = {}
            for page, _ in session.execute(query):
                found[page.url] = {"etag": page.etag, "last_modified": page.last_modified,
                                   "sha256": page.payload_sha256}  # fmt: skip
            return found

    # -- watch --------------------------------------------------------------------------

    def watch_items(self) -> dict[str, WatchItem]:
        with Session(self.engine, expire_on_commit=False) as session:
            query = select(WatchItem).where(WatchItem.site == self.site)
            return {w.article_id: w for w in session.scalars(query)}

    def save_watch_items(self, run_id: str, items: Iterable[dict[str, Any]]) -> None:
        """Each item's fields set (its row made when the article is new), its last check
        this run; columns an item does not name are left as they were. Bulk statements a
        batch at a time, as finish_run: not an ORM object (and a SELECT) per article."""
        site = self.site
        with Session(self.engine) as session, session.begin():
            existing = set(
                session.scalars(select(WatchItem.article_id).where(WatchItem.site == site))
            )
            for batch in _batches(items):
                added, updated = [], []
                for data in batch:
                    row = {**data, "site": site, "last_checked_run": run_id}
                    if data["article_id"] in existing:
                        updated.append(row)
                    else:
                        existing.add(data["article_id"])
                        added.append(row)
                # inserts first: an id named twice in a batch is then updated, last one wins
                if added:
                    session.execute(insert(WatchItem), added)
                if updated:
                    session.execute(update(WatchItem), updated)

    def close_run(self, run_id: str, status: str, counts: dict[str, int]) -> None:
        """Close a run that stores no records (a watch run, or an interrupted migration)."""
        with Session(self.engine) as session, session.begin():
            run = session.get(Run, run_id)
            run.finished_at, run.status, run.counts = datetime.now(UTC), status, counts


def _id_order(record_id: str) -> tuple[str, int, str]:
    kind, _, rest = record_id.partition("-")
    return (kind, int(rest), "") if rest.isdigit() else (kind, 0, rest)


def schema_revision(connection: Any) -> str | None:
    """The Alembic revision the database is at; None for a database without the schema."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("select version_num from alembic_version")).scalar()


# Alembic's own record of a database's revision, as Alembic makes it (its default table).
ALEMBIC_VERSION = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def create_schema(connection: Any) -> None:
    """An empty database: the models' tables made at once and stamped with the newest
    revision, as Alembic's guide builds a new database ("create_all" then "stamp head"),
    without loading Alembic (a fifth of a second and 11 MB, held for the whole run).
    tests/test_state_schema.py holds this schema equal to the one the migrations build."""
    from belong_scraper.state.models import Base

    Base.metadata.create_all(connection)
    ALEMBIC_VERSION.create(connection)
    connection.execute(ALEMBIC_VERSION.insert().values(version_num=HEAD_REVISION))


def upgrade_schema(connection: Any) -> None:
    """Bring the schema to the newest revision. Alembic is imported only here: a state
    already at the newest one (every run but the first) does not pay its start-up."""
    from alembic import command
    from alembic.config import Config

    with migrations_on_disk() as location:
        config = Config()
        config.set_main_option("script_location", str(location))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextlib.contextmanager
def migrations_on_disk() -> Iterator[Path]:
    """The migrations folder as files: Alembic loads its scripts from paths. Installed
    or in a clone it is on disk already; run from a zipped egg (a Scrapyd job) its
    scripts are copied out of the archive into a temporary folder for the upgrade."""
    folder = resources.files("belong_scraper.state") / "migrations"
    if isinstance(folder, Path) and folder.is_dir():
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="belong-migrations-") as temp:
        target = Path(temp) / "migrations"
        _copy_tree(folder, target)
        yield target


def _copy_tree(source: Any, target: Path) -> None:
    target.mkdir()
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                _copy_tree(entry, target / entry.name)
        elif entry.name.endswith((".py", ".mako")):
            (target / entry.name).write_bytes(entry.read_bytes())


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == FLUSH_EVERY:
            yield batch
            batch = []
    if batch:
        yield batch
