"""Hostile files: mutated real filings through the parser, and a 100 MB filing through a build.

Property-based (hypothesis): each example takes a real corpus filing and damages it in one to
four ways — truncation, random bytes, encoding damage, giant lines, deeply nested tags, uuencode
garbage, NULs, lost structural tags, spliced slices, changed line endings. Whatever comes in,
`parse_bytes` returns records (which the build can map to index fields and JSON) or raises our
own NotAFiling / ParseError, never another exception, and it finishes within PARSE_BOUND.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.backend.whoosh.schema import to_fields
from indexer.edgar.model import NotAFiling, ParseError
from indexer.edgar.parse import parse_bytes
from indexer.indexing.verify import verify
from indexer.search.core import SearchRequest, search
from tests.corpus import CORPUS, COVER, EDGARTOOLS, HAS_CORPUS, SEED, needs_corpus

PARSE_BOUND = 10.0  # seconds one damaged file may take to parse (the worst seen is reported)
SEEDS = [
    SEED,  # plain text 8-K with <PAGE> markers
    EDGARTOOLS / "data/sgml/0001011438-98-000429.txt",  # PEM-wrapped 1998 submission
    EDGARTOOLS / "data/sgml/0001104659-25-002604.nc",  # daily-feed .nc with CRs
    EDGARTOOLS / "data/form4.snow.xml",  # XML form 4
    COVER / "92122/0000092122-07-000008/0000092122-07-000008.txt",  # uuencoded graphic inside
    COVER / "18230/0000018230-22-000107/cat-20220428.htm",  # inline XBRL
    COVER / "51253/0001140361-25-017716/0001140361-25-017716.hdr.sgml",  # header only
    EDGARTOOLS / "data/sgml/0000899681-95-000096.txt",  # documents without a header
    EDGARTOOLS / "data/html/SG-13G-DOCUMENT-WITH-TEXT.html",
    CORPUS / "john-friedman+secsgml/sgml/tab-privacy.txt",  # 10-K, PEM, tabs
]
# Every test here damages real filings: without the corpus they skip, and nothing is read
pytestmark = needs_corpus
SEED_BYTES = [p.read_bytes() if HAS_CORPUS else b"" for p in SEEDS]
HYPOTHESIS = settings(
    max_examples=60,
    deadline=timedelta(seconds=PARSE_BOUND * 1.5),  # the whole example: parse and mapping
    database=None,  # no .hypothesis directory in the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    print_blob=True,
)
WORST: list[tuple[float, int, str]] = []  # (seconds, bytes, what was done), for the report

# Structural markers whose loss or repetition confuses a splitter
TAGS = [
    b"<SEC-DOCUMENT>", b"</SEC-DOCUMENT>", b"<SEC-HEADER>", b"</SEC-HEADER>", b"<DOCUMENT>",
    b"</DOCUMENT>", b"<TEXT>", b"</TEXT>", b"<TYPE>", b"<SUBMISSION>", b"<PDF>", b"<XML>",
    b"-----BEGIN PRIVACY-ENHANCED MESSAGE-----", b"-----END PRIVACY-ENHANCED MESSAGE-----",
    b"<html>", b"<div>", b"<table><tr><td>", b"<ix:header>", b"<ix:nonNumeric>", b"<![CDATA[",
    b"<!--", b"<?xml version='1.0'?>", b"<p style='", b"<font>", b"<PAGE>", b"&#", b"&amp",
]  # fmt: skip
# Bytes that break decoders: invalid UTF-8, overlong forms, surrogates, cp1252 quotes, BOMs
BAD_BYTES = [
    b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3\x28", b"\xc0\xaf", b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80", b"\x93quoted\x94", b"\xe2\x80", b"\x80\x81\x82", b"\xa0\xad",
    "naïve \u202ertl\u202c".encode(), "e\u0301\u0301\u0301".encode(), b"\x1b[31m",
]  # fmt: skip
WHITESPACE_UNITS = [b"\t", b" ", b"\n", b"\r\n", b"\xa0", b" \n"]
GIANT_UNITS = [
    b"A", b"word ", b"<", b"<b>", b"&amp;", *WHITESPACE_UNITS, b"1,234,", b"-", b"ITEM 9. ", b"=",
    b"_", b"*", b".", b"<PAGE>\n", b"SIGNATURE\n",
]  # fmt: skip
UU_CHARS = bytes(range(0x20, 0x60))


# ---------------------------------------------------------------- the damage


def at(data: bytes, frac: float) -> int:
    return int(len(data) * frac)


def truncate(data: bytes, frac: float) -> bytes:
    return data[: at(data, frac)]


def random_bytes(data: bytes, frac: float, noise: bytes, overwrite: bool) -> bytes:
    i = at(data, frac)
    return data[:i] + noise + data[i + (len(noise) if overwrite else 0) :]


def encoding_damage(data: bytes, frac: float, kind: int) -> bytes:
    if kind < len(BAD_BYTES):
        i = at(data, frac)
        return data[:i] + BAD_BYTES[kind] + data[i:]
    codec = ("utf-16", "utf-32", "utf-16-be")[kind - len(BAD_BYTES)]
    return data.decode("latin-1").encode(codec)  # the whole file in a wide encoding


def giant_line(data: bytes, frac: float, unit: int, kb: int) -> bytes:
    i = at(data, frac)
    chunk = GIANT_UNITS[unit] * (kb * 1024 // len(GIANT_UNITS[unit]))
    return data[:i] + b"\n" + chunk + b"\n" + data[i:]


def nesting(data: bytes, frac: float, tag: int, depth: int, closing: bool) -> bytes:
    t = TAGS[tag]
    if closing and t.startswith(b"<") and not t.startswith((b"</", b"<!", b"<?")):
        t = b"</" + t[1:]
    i = at(data, frac)
    return data[:i] + t * depth + data[i:]


def uuencode_garbage(data: bytes, frac: float, lines: int, salt: int, ended: bool) -> bytes:
    body = b"".join(
        b"M" + bytes(UU_CHARS[(salt * 7 + n * 13 + k * 31) % len(UU_CHARS)] for k in range(60))
        for n in range(lines)
    )
    block = b"begin 644 exhibit.pdf\n" + body.replace(b"MM", b"M\nM") + (b"\n`\nend\n" * ended)
    i = at(data, frac)
    return data[:i] + b"\n" + block + data[i:]


def nuls(data: bytes, frac: float, kind: int, count: int) -> bytes:
    if kind == 0:
        return data.replace(b"\n", b"\x00\n")
    if kind == 1:
        i = at(data, frac)
        return data[:i] + b"\x00" * count + data[i + count :]
    return data.replace(b" ", b"\x00", count)


def tag_loss(data: bytes, tag: int, nth: int) -> bytes:
    starts = [m.start() for m in re.finditer(re.escape(TAGS[tag]), data, re.I)]
    if not starts:
        return data
    i = starts[nth % len(starts)]
    return data[:i] + data[i + len(TAGS[tag]) :]


def splice(data: bytes, a: float, b: float, to: float) -> bytes:
    lo, hi = sorted((at(data, a), at(data, b)))
    i = at(data, to)
    return data[:i] + data[lo:hi] + data[i:]


def line_endings(data: bytes, kind: int) -> bytes:
    if kind == 0:
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")  # old Mac
    if kind == 1:
        return data.replace(b"\n", b"\r\n")
    return data.replace(b"\r", b"").replace(b"\n", b" ")  # one line for the whole file


frac = st.floats(0, 1)
DAMAGE = {
    "truncate": st.tuples(st.just(truncate), frac),
    "random_bytes": st.tuples(
        st.just(random_bytes), frac, st.binary(min_size=1, max_size=256), st.booleans()
    ),
    "encoding": st.tuples(st.just(encoding_damage), frac, st.integers(0, len(BAD_BYTES) + 2)),
    "giant_line": st.tuples(
        st.just(giant_line), frac, st.integers(0, len(GIANT_UNITS) - 1), st.integers(64, 4096)
    ),
    "nesting": st.tuples(
        st.just(nesting),
        frac,
        st.integers(0, len(TAGS) - 1),
        st.integers(1, 50_000),
        st.booleans(),
    ),
    "uuencode": st.tuples(
        st.just(uuencode_garbage), frac, st.integers(1, 5000), st.integers(0, 99), st.booleans()
    ),
    "nul": st.tuples(st.just(nuls), frac, st.integers(0, 2), st.integers(1, 5000)),
    "tag_loss": st.tuples(st.just(tag_loss), st.integers(0, len(TAGS) - 1), st.integers(0, 9)),
    "splice": st.tuples(st.just(splice), frac, frac, frac),
    "line_endings": st.tuples(st.just(line_endings), st.integers(0, 2)),
}
seed_index = st.integers(0, len(SEEDS) - 1)


def damaged(seed: int, ops: list[tuple]) -> tuple[bytes, str]:
    data = SEED_BYTES[seed]
    for fn, *args in ops:
        data = fn(data, *args)
    what = f"{SEEDS[seed].name}: " + ", ".join(f"{fn.__name__}{tuple(a)}" for fn, *a in ops)
    return data, what


class Hang(Exception):
    """A parse ran past the watchdog: the test fails instead of hanging."""


@contextmanager
def watchdog(seconds: float):
    def expire(*_):
        raise Hang(f"still parsing after {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def assert_parses_or_refuses(data: bytes, what: str) -> None:
    """Records or our own errors only, each within the bound; records map to index fields."""
    start = time.perf_counter()
    try:
        with watchdog(PARSE_BOUND * 2):
            filings = parse_bytes(data, "/tmp/hostile/0000999999-24-000001/damaged.txt")
    except (NotAFiling, ParseError):
        filings = []
    elapsed = time.perf_counter() - start
    WORST.append((elapsed, len(data), what[:200]))
    WORST.sort(reverse=True)
    del WORST[5:]
    assert elapsed < PARSE_BOUND, f"{elapsed:.1f} s to parse {len(data)} bytes ({what})"
    for f in filings:
        json.dumps(f.to_record())
        to_fields(f)


# ---------------------------------------------------------------- the properties


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_each_kind_of_damage(kind):
    @HYPOTHESIS
    @given(seed_index, DAMAGE[kind])
    def check(seed, op):
        data, what = damaged(seed, [op])
        assert_parses_or_refuses(data, what)

    check()


@settings(HYPOTHESIS, max_examples=200)
@given(seed_index, st.lists(st.one_of(*DAMAGE.values()), min_size=1, max_size=4))
def test_damage_combined(seed, ops):
    data, what = damaged(seed, ops)
    assert_parses_or_refuses(data, what)


# The far ends of each kind of damage, on every seed (hypothesis seldom draws the maxima)
EXTREMES = {
    "16 MB line without a newline": lambda d: giant_line(d, 0.5, 1, 16 * 1024),
    "16 MB of '<'": lambda d: giant_line(d, 0.3, 2, 16 * 1024),
    "50,000 nested <div>": lambda d: nesting(d, 0.5, TAGS.index(b"<div>"), 50_000, False),
    "50,000 <TEXT>": lambda d: nesting(d, 0.6, TAGS.index(b"<TEXT>"), 50_000, False),
    "50,000 </SEC-HEADER>": lambda d: nesting(d, 0.1, TAGS.index(b"<SEC-HEADER>"), 50_000, True),
    "50,000 <!--": lambda d: nesting(d, 0.5, TAGS.index(b"<!--"), 50_000, False),
    "50,000 tables": lambda d: nesting(d, 0.5, TAGS.index(b"<table><tr><td>"), 50_000, False),
    "20,000 uuencoded lines, no end": lambda d: uuencode_garbage(d, 0.5, 20_000, 3, False),
    "4 MB of NULs": lambda d: nuls(d, 0.5, 1, 4 * 2**20),
    "a NUL before every newline": lambda d: nuls(d, 0, 0, 0),
    "the whole file on one line": lambda d: line_endings(d, 2),
    "UTF-16": lambda d: encoding_damage(d, 0, len(BAD_BYTES)),
}


@pytest.mark.parametrize("name", sorted(EXTREMES))
def test_extreme_damage(name):
    for seed in range(len(SEEDS)):
        data = EXTREMES[name](SEED_BYTES[seed])
        assert_parses_or_refuses(data, f"{SEEDS[seed].name}: {name}")


def parse_in_child(data: bytes, timeout: float) -> float | None:
    """Parse in a forked process; return its seconds, None if it was still busy at `timeout`."""
    ctx = multiprocessing.get_context("fork")
    child = ctx.Process(target=_parse_quietly, args=(data,))
    start = time.perf_counter()
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    assert child.exitcode == 0
    return time.perf_counter() - start


def _parse_quietly(data: bytes) -> None:
    with suppress(NotAFiling, ParseError):
        parse_bytes(data, "/tmp/hostile/quadratic.htm")


LINEAR_BOUND = 2.0  # seconds for about 1 MB of the cases below; linear code takes well under 1
FORM4 = SEED_BYTES[SEEDS.index(EDGARTOOLS / "data/form4.snow.xml")]
PEM_8K = SEED_BYTES[1]


def inside(data: bytes, filler: bytes) -> bytes:
    """Put filler in the middle of a filing (inside its document's text)."""
    middle = len(data) // 2
    return data[:middle] + filler + data[middle:]


# Cases that were quadratic before their fix: each one file of about 1 MB, parsed in a child
# process that is killed at LINEAR_BOUND.
QUADRATIC = [
    pytest.param(inside(PEM_8K, b"<DOCUMENT>" * 100_000), id="100k-document-tags"),
    pytest.param(inside(PEM_8K, b"\n<SEC-DOCUMENT>" * 60_000), id="60k-quoted-submission-tags"),
    pytest.param(inside(FORM4, b" " * 2**18), id="256k-blanks-in-xml"),
    pytest.param(inside(FORM4, b"\n" * 2**18), id="256k-blank-lines-in-xml"),
    pytest.param(
        inside(PEM_8K, b"x" + b" " * 100_000 + b"y"),
        id="100k-spaces-in-a-text-line",
    ),
    pytest.param(
        b"<html><body><pre>a" + b" " * 40_000 + b"b</pre><p>text</p></body></html>",
        id="40k-spaces-in-an-html-pre",
    ),
]


@pytest.mark.parametrize("data", QUADRATIC)
def test_quadratic_case(data):
    seconds = parse_in_child(data, LINEAR_BOUND)
    assert seconds is not None, f"{len(data):,} bytes took over {LINEAR_BOUND} s to parse"


def test_undamaged_seeds_parse():
    for data, path in zip(SEED_BYTES, SEEDS, strict=True):
        assert parse_bytes(data, str(path)), path


def test_report_the_slowest_parse():
    """Print the slowest damaged files seen this run (for SECURITY.md)."""
    for seconds, size, what in WORST:
        print(f"{seconds:.3f} s  {size:>9,} bytes  {what}")
    assert all(s < PARSE_BOUND for s, _, _ in WORST)


# ---------------------------------------------------------------- a 100 MB filing

BIG_MB = 100
RSS_BOUND = 2**30  # peak resident bytes of the whole build process tree (647 MB measured)
BENCH_TEXT = CORPUS.parent / "bench" / "text"  # real 8-K text (../shared/bench/text)
# Lines of the bench text that are its own markup, not filing text: "<DOCUMENT>", "FILE:..."
BENCH_META = re.compile(r"^(?:</?[A-Z]+>|FILE:|TIME:|EVENTS:|TEXT:)")
BIG_HEADER = """<SEC-DOCUMENT>0000999001-24-000001.txt : 20240105
<SEC-HEADER>0000999001-24-000001.hdr.sgml : 20240105
ACCESSION NUMBER:\t\t0000999001-24-000001
CONFORMED SUBMISSION TYPE:\t10-K
PUBLIC DOCUMENT COUNT:\t\t1
CONFORMED PERIOD OF REPORT:\t20231231
FILED AS OF DATE:\t\t20240105

FILER:

\tCOMPANY DATA:\t
\t\tCOMPANY CONFORMED NAME:\t\t\tHUNDRED MEGABYTE CORP
\t\tCENTRAL INDEX KEY:\t\t\t0000999001
</SEC-HEADER>
<DOCUMENT>
<TYPE>10-K
<SEQUENCE>1
<FILENAME>big.txt
<TEXT>
"""
BIG_FOOTER = "\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"


def write_big_filing(path: Path, mb: int) -> int:
    """Write a one-document 10-K of `mb` MB of real 8-K text; return its size."""
    texts = []
    for p in sorted(BENCH_TEXT.glob("*.txt")):
        lines = p.read_text(errors="replace").splitlines()
        texts.append("\n".join(line for line in lines if not BENCH_META.match(line)) + "\n")
    target, written = mb * 2**20, len(BIG_HEADER)
    with open(path, "w") as f:
        f.write(BIG_HEADER)
        while written < target:
            for t in texts:
                f.write(t)
                written += len(t)
                if written >= target:
                    break
        f.write(BIG_FOOTER)
    return path.stat().st_size


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["whoosh", "tantivy"])
def test_a_100_mb_filing_builds_with_bounded_memory(tmp_path, backend):
    """(tantivy: 814 MB measured; 1,516 MB when its positional fields' tokens were cut from the
    whole text at once)"""
    from bench.measure import RssSampler

    src = tmp_path / "src"
    src.mkdir()
    size = write_big_filing(src / "0000999001-24-000001.txt", BIG_MB)
    root = tmp_path / "index"
    cmd = [sys.executable, "-m", "indexer.cli", "build", str(src), "--index-dir", str(root),
           "--backend", backend]  # fmt: skip
    start = time.monotonic()
    proc = subprocess.Popen([*cmd, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with RssSampler(proc.pid, interval=0.1) as rss:
        out, err = proc.communicate(timeout=900)
    seconds = time.monotonic() - start
    assert proc.returncode == 0, err.decode()[-2000:]
    report = json.loads(out)
    print(
        f"{size / 2**20:.0f} MB filing: built in {seconds:.0f} s, peak RSS "
        f"{rss.peak_total / 2**20:.0f} MB (largest process {rss.peak_process / 2**20:.0f} MB)"
    )
    assert report["filings"] == 1 and not report["failed"] and not report["skipped"]
    assert rss.peak_total < RSS_BOUND
    assert verify(root).ok
    result = search(root, SearchRequest(q="dividend", facets=False))
    assert result.total == 1 and result.hits[0].company == "HUNDRED MEGABYTE CORP"
