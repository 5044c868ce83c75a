"""The side store's packing: Zstandard frames, and the zlib rows an older build wrote still read."""

from __future__ import annotations

import json
import shutil
import sqlite3
import zlib

from hypothesis import given
from hypothesis import strategies as st

from indexer.indexing import verify as verify_mod
from indexer.indexing.builder import build
from indexer.search.core import SearchIndex, SearchRequest, search
from indexer.store import generations as indexdir
from indexer.store.sidestore import STORE_NAME, ZSTD_MAGIC, Store, pack, unpack
from tests.corpus import EXAMPLES

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


@given(JSON)
def test_unpack_reads_what_pack_wrote(value):
    blob = pack(value)
    assert blob[:4] == ZSTD_MAGIC
    assert unpack(blob) == value


@given(JSON)
def test_unpack_reads_an_older_stores_zlib_rows(value):
    assert unpack(zlib.compress(json.dumps(value).encode(), 4)) == value


def to_zlib(gen) -> int:
    """Rewrite every packed row of a generation's store as a build before Zstandard wrote it."""
    db = sqlite3.connect(gen / STORE_NAME)
    rows = db.execute("SELECT id, record, texts FROM filings").fetchall()
    for fid, record, texts in rows:
        old = [zlib.compress(json.dumps(unpack(b), separators=(",", ":")).encode(), 4)
               for b in (record, texts)]  # fmt: skip
        db.execute("UPDATE filings SET record = ?, texts = ? WHERE id = ?", (*old, fid))
    db.commit()
    db.close()
    return len(rows)


def test_a_generation_with_zlib_rows_is_read_and_built_on(tmp_path):
    """An index an older build wrote (zlib rows) serves searches and filing views, and an
    incremental build adds to it: both kinds of rows in one store, verify passing."""
    src = tmp_path / "src"
    shutil.copytree(EXAMPLES, src)
    root = tmp_path / "index"
    build([str(src)], root, jobs=1, backend="whoosh")
    gen = indexdir.require_generation(root)
    store = Store(gen, readonly=True)
    (fid,) = list(store.filing_ids())
    before = (store.record(fid), store.texts(fid))
    store.close()
    assert to_zlib(gen) == 1

    store = Store(gen, readonly=True)
    assert (store.record(fid), store.texts(fid)) == before
    store.close()
    index = SearchIndex(root)
    try:
        hits = search(index, SearchRequest(q="ImmunoGen")).hits
    finally:
        index.close()
    assert [h.id for h in hits] == [fid] and hits[0].snippets

    copy = src / "again.txt"  # a second filing: the seed under another name, another accession
    text = (EXAMPLES / "immunogen-8k-2002.txt").read_text(encoding="latin-1")
    copy.write_text(text.replace("ImmunoGen", "ImmunoGen Again", 1), encoding="latin-1")
    build([str(src)], root, jobs=1, backend="whoosh")
    gen = indexdir.require_generation(root)
    store = Store(gen, readonly=True)
    try:
        assert store.count_filings() == 2
        assert (store.record(fid), store.texts(fid)) == before
        kinds = {row[0][:4] == ZSTD_MAGIC for row in store.db.execute("SELECT texts FROM filings")}
    finally:
        store.close()
    assert kinds == {True, False}  # the old row kept as it was, the new one in Zstandard
    assert verify_mod.verify(root).ok
