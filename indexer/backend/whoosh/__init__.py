"""The Whoosh backend: schema, segment writer, matching engine, lexicon, generations."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# The index code reads and writes Whoosh's segment files and matchers below its public API
# (segment.py, engine.py), so it is tested against exactly one release: a different one may
# change those internals silently. whoosh-reloaded 2.7.5 is the release the byte-identity and
# parity tests pass on.
WHOOSH_DIST, WHOOSH_VERSION = "whoosh-reloaded", "2.7.5"


class WrongWhoosh(ImportError):
    """The installed Whoosh is not the release this code is written against."""


def check_whoosh() -> None:
    """Raise WrongWhoosh, saying what to install, unless the pinned Whoosh release is installed."""
    try:
        found = version(WHOOSH_DIST)
    except PackageNotFoundError:
        found = None
    if found != WHOOSH_VERSION:
        have = f"{WHOOSH_DIST} {found}" if found else f"no {WHOOSH_DIST}"
        raise WrongWhoosh(
            f"edgar-search needs {WHOOSH_DIST}=={WHOOSH_VERSION}, found {have}: run "
            f"pip install '{WHOOSH_DIST}=={WHOOSH_VERSION}' (and uninstall other Whoosh "
            "distributions such as whoosh or whoosh3, which install the same module)"
        )


INDEX_NAME = "MAIN"  # the Whoosh index's name inside a generation directory


def open_whoosh(gen: Path):
    """Open a generation's Whoosh index and side store for reading."""
    from whoosh import index as whoosh_index

    from indexer.backend.whoosh import schema  # noqa: F401  (the schema's pickled classes)
    from indexer.store.sidestore import Store

    return whoosh_index.open_dir(str(gen), indexname=INDEX_NAME), Store(gen, readonly=True)
