"""Shared fixtures: one index built from ../shared/corpus per test session (skipped without it),
and one of whatever is at hand (the corpus, else the bundled examples/) for tests needing any."""

from __future__ import annotations

import pytest

from indexer.backend import BACKENDS, DEFAULT_BACKEND
from indexer.indexing.builder import build
from indexer.store import generations as indexdir
from indexer.store.sidestore import Store
from tests.corpus import CORPUS, EXAMPLES, HAS_CORPUS, NEEDS_CORPUS, SHARED, require_corpus


def missing_shared(error: BaseException) -> bool:
    """Tell whether an error is a read of ../shared on a checkout that has none beside it."""
    return not HAS_CORPUS and isinstance(error, FileNotFoundError) and str(SHARED) in str(error)


def skip_missing_shared():
    """Run a test phase; skip, with the reason named, if it reads a ../shared file absent here."""
    try:
        return (yield)
    except FileNotFoundError as e:
        if missing_shared(e):
            pytest.skip(NEEDS_CORPUS)
        raise


# The test itself and its fixtures' setup (a module fixture copying a corpus file, say)
pytest_runtest_setup = pytest.hookimpl(wrapper=True)(skip_missing_shared)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(skip_missing_shared)


@pytest.fixture(scope="session")
def corpus_builds(tmp_path_factory):
    """Return a function: backend name → an index directory of the shared corpus it wrote
    (each built once per session, when first asked for)."""
    built: dict[str, object] = {}

    def index_of(backend: str = DEFAULT_BACKEND):
        require_corpus()
        if backend not in built:
            root = tmp_path_factory.mktemp(f"corpus-index-{backend}")
            report = build([str(CORPUS)], root, jobs=2, backend=backend)
            assert report.filings_total > 0, "the shared corpus gave no filings"
            built[backend] = root
        return built[backend]

    return index_of


@pytest.fixture(scope="session")
def corpus_index(request, corpus_builds):
    """Return the shared corpus's index directory: Whoosh's, or in a module that sets
    `ON_BOTH_BACKENDS = True`, each backend's in turn (see pytest_generate_tests)."""
    return corpus_builds(getattr(request, "param", DEFAULT_BACKEND))


def pytest_generate_tests(metafunc):
    """Run a test of the corpus index once per backend where its module asks for it."""
    if "corpus_index" in metafunc.fixturenames and getattr(metafunc.module, "ON_BOTH_BACKENDS", 0):
        metafunc.parametrize("corpus_index", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def some_index(request, tmp_path_factory):
    """Return the corpus index when the corpus is there, else an index of examples/ alone."""
    if HAS_CORPUS:
        return request.getfixturevalue("corpus_index")
    root = tmp_path_factory.mktemp("examples-index")
    assert build([str(EXAMPLES)], root, jobs=1).filings_total > 0
    return root


@pytest.fixture(scope="session")
def corpus_records(corpus_index) -> dict[str, dict]:
    """Return the parsed record of every filing in the session index by filing id."""
    store = Store(indexdir.require_generation(corpus_index), readonly=True)
    try:
        return dict(zip(store.filing_ids(), store.records(), strict=True))
    finally:
        store.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium through Playwright, one per test module (skipped when not installed)."""
    from tests.webapp_browser import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def app(corpus_index):
    """The web app over the session's corpus index, one per test module."""
    from tests.webapp_pages import close_index
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(corpus_index)})
    yield app
    close_index(app)


@pytest.fixture
def client(app):
    return app.test_client()
