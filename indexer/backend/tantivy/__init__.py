"""The tantivy backend: schema, writer, query compiler, lexicon, generations (docs/backends.md)."""

from importlib.metadata import PackageNotFoundError, version

# The writer adds sinks' segments to tantivy's meta.json (writer.py), a file format of the
# release: tested against exactly this one.
TANTIVY_DIST, TANTIVY_VERSION = "tantivy", "0.27.0"


class WrongTantivy(ImportError):
    """The installed tantivy binding is not the release this code is written against."""


def check_tantivy() -> None:
    """Raise WrongTantivy, saying what to install, unless the pinned release is installed."""
    try:
        found = version(TANTIVY_DIST)
    except PackageNotFoundError:
        found = None
    if found != TANTIVY_VERSION:
        have = f"{TANTIVY_DIST} {found}" if found else f"no {TANTIVY_DIST}"
        raise WrongTantivy(
            f"the tantivy backend needs {TANTIVY_DIST}=={TANTIVY_VERSION}, found {have}: run "
            f"pip install '{TANTIVY_DIST}=={TANTIVY_VERSION}'"
        )
