"""Datasets for archivists: a crawl of the replica exported in three formats, verified, tampered with;
raw pages kept as WARC and re-parsed into the same items."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.replica_helpers import REPO, run_cli
from thcrawl.dataset import iter_dataset, read_jsonl
from thcrawl.formats import from_csv_row
from thcrawl.replica.content import ReplicaSite
from thcrawl.replica.server import ReplicaServer
from thcrawl.validation import validation_errors

ARTICLES = 300  # one article at least every 16 days over 2019-2026: no month without one


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(ReplicaSite(articles=ARTICLES, seed=41)) as running:
        yield running


@pytest.fixture(scope="module")
def crawled(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    result = run_cli("crawl", "--base-url", server.base_url, "--fast", "--out", str(data), "--warc")
    assert result.returncode == 0, result.stderr[-2000:]
    return data


@pytest.fixture(scope="module")
def dataset(crawled):
    return {row["id"]: row for path in iter_dataset(crawled) for row in read_jsonl(path)}


def export(data, out, fmt, *args):
    return run_cli("export", "--format", fmt, "--data", str(data), "--out", str(out), *args)


@pytest.fixture(scope="module")
def exports(crawled, tmp_path_factory):
    folders = {}
    for fmt in ("jsonl.gz", "parquet", "csv"):
        folders[fmt] = tmp_path_factory.mktemp(fmt.replace(".", "_")) / "export"
        result = export(crawled, folders[fmt], fmt, "--licence", "CC BY-NC 4.0 (test)")
        assert result.returncode == 0, result.stderr
    return folders


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet", "csv"])
def test_export_verifies_clean(exports, fmt):
    result = run_cli("verify", str(exports[fmt]))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().endswith("clean") and f"{ARTICLES} rows" in result.stdout


def test_jsonl_gz_rows_are_the_dataset(exports, dataset):
    with gzip.open(exports["jsonl.gz"] / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    assert {r["id"]: r for r in rows} == dataset


def test_parquet_is_partitioned_by_year_and_month(exports):
    files = sorted(p.relative_to(exports["parquet"]).as_posix() for p in exports["parquet"].rglob("*.parquet"))
    assert files and all(re.fullmatch(r"articles/year=20\d\d/month=([1-9]|1[0-2])/part-0\.parquet", f) for f in files)
    assert sorted(p.name for p in exports["parquet"].iterdir()) == ["articles", "datapackage.json"]


@pytest.mark.parametrize("reader", ["pyarrow", "pandas", "polars", "duckdb"])
def test_parquet_folder_reads_directly(exports, dataset, reader):
    """The partition tree is read as one table, with integer year and month and +07:00 timestamps."""
    import pandas
    import polars

    folder = exports["parquet"] / "articles"
    if reader == "pyarrow":
        rows = pq.read_table(folder).to_pylist()
    elif reader == "pandas":
        rows = pandas.read_parquet(folder).to_dict("records")
    elif reader == "polars":
        rows = polars.read_parquet(folder).to_dicts()
    else:
        con = duckdb.connect()
        con.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")
        cursor = con.execute(f"SELECT * FROM read_parquet('{folder}/**/*.parquet', hive_partitioning = true)")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    assert len(rows) == ARTICLES
    for row in rows:
        expected = dataset[row["id"]]
        assert (int(row["year"]), int(row["month"])) == (int(expected["published_at"][:4]),
                                                         int(expected["published_at"][5:7]))
        assert row["published_at"].isoformat().replace(".000", "")[:25] == expected["published_at"][:25]
        assert row["title"] == expected["title"]


@pytest.mark.parametrize("fmt", ["jsonl.gz", "parquet", "csv"])
def test_frictionless_validates_the_manifest(exports, fmt):
    """The Frictionless tools read each export as a valid Data Package: every row against the Table Schema,
    row counts, hashes."""
    result = subprocess.run([str(Path(sys.executable).parent / "frictionless"), "validate", "--json",
                             str(exports[fmt] / "datapackage.json")], capture_output=True, text=True, timeout=120)
    report = json.loads(result.stdout)
    errors = [(task["name"], e["type"], e["message"]) for task in report["tasks"] for e in task["errors"]]
    assert report["valid"] and not report["errors"] and not errors, (report["errors"], errors[:5])
    assert sum(task["stats"]["rows"] for task in report["tasks"]) == ARTICLES
    assert result.returncode == 0


def test_parquet_read_by_duckdb_with_nested_and_zoned_types(exports, dataset):
    pattern = str(exports["parquet"] / "**" / "*.parquet")
    con = duckdb.connect()
    count, images_type, date_type = con.execute(
        f"SELECT count(*), any_value(typeof(images)), any_value(typeof(published_at)) "
        f"FROM read_parquet('{pattern}', hive_partitioning = true)").fetchone()
    assert count == ARTICLES
    assert images_type.startswith("STRUCT(url VARCHAR, alt VARCHAR, caption VARCHAR)[]")
    assert date_type == "TIMESTAMP WITH TIME ZONE"
    some = next(iter(dataset.values()))
    title, year, month = con.execute(
        f"SELECT title, year, month FROM read_parquet('{pattern}', hive_partitioning = true) "
        f"WHERE id = '{some['id']}'").fetchone()
    assert title == some["title"] and f"{year:04d}-{month:02d}" == some["published_at"][:7]
    assert con.execute(f"SELECT DISTINCT typeof(year), typeof(month) FROM read_parquet('{pattern}', "
                       "hive_partitioning = true)").fetchall() == [("BIGINT", "BIGINT")]


def test_parquet_schema_is_explicit(exports):
    schema = pq.read_schema(next(exports["parquet"].rglob("*.parquet")))
    assert schema.field("published_at").type.tz == "+07:00"  # Parquet keeps seconds as milliseconds
    assert str(schema.field("see_more").type).startswith("list<element: struct<id: string, url: string")


def test_csv_has_json_columns_and_round_trips(exports, dataset):
    import csv

    with (exports["csv"] / "articles.csv").open(encoding="utf-8", newline="") as handle:
        rows = [from_csv_row(row) for row in csv.DictReader(handle)]
    assert {r["id"]: r for r in rows} == dataset


def test_csv_bom_for_spreadsheets(crawled, tmp_path):
    assert export(crawled, tmp_path / "bom", "csv", "--bom").returncode == 0
    assert (tmp_path / "bom" / "articles.csv").read_bytes().startswith(b"\xef\xbb\xbfid,url,")


def test_manifest(exports, crawled):
    manifest = json.loads((exports["parquet"] / "datapackage.json").read_text("utf-8"))
    assert manifest["profile"] == "data-package" and manifest["licenses"][0]["title"] == "CC BY-NC 4.0 (test)"
    assert sum(r["rows"] for r in manifest["resources"]) == ARTICLES
    assert all(r["hash"].startswith("sha256:") and r["thcrawl"]["bytes"] > 0 for r in manifest["resources"])
    assert all(r["format"] == "parquet" and r["path"].startswith("articles/year=") for r in manifest["resources"])
    fields = {f["name"]: f for f in manifest["resources"][0]["schema"]["fields"]}
    assert fields["published_at"]["type"] == "datetime" and fields["body"]["description"]
    assert fields["images"]["type"] == "any" and fields["images"]["arrowType"].startswith("list<item: struct<url")
    provenance = manifest["thcrawl"]
    assert provenance["version"] and provenance["runs"][0]["status"] == "ok"
    assert provenance["date_range"]["first_published"] < provenance["date_range"]["last_published"]
    assert provenance["crawl_settings"]["ROBOTSTXT_OBEY"] is True
    assert manifest["sources"][0]["path"].startswith("http://127.0.0.1:")


def test_since_until_filter(crawled, dataset, tmp_path):
    assert export(crawled, tmp_path / "x", "jsonl.gz", "--since", "2022-01-01", "--until", "2022-12-31T23:59:59+07:00"
                  ).returncode == 0
    with gzip.open(tmp_path / "x" / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        ids = {json.loads(line)["id"] for line in handle}
    assert ids == {i for i, row in dataset.items() if row["published_at"].startswith("2022")}


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_verify_names_the_damaged_file(exports, tmp_path, damage):
    copy = tmp_path / "copy"
    shutil.copytree(exports["parquet"], copy)
    target = sorted(copy.rglob("*.parquet"))[3]
    name = target.relative_to(copy).as_posix()
    if damage == "flip":
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0x01
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:-100])
    else:
        target.unlink()
    result = run_cli("verify", str(copy))
    assert result.returncode == 1
    assert name in result.stdout
    assert {"flip": "sha256 differs", "truncate": "bytes", "delete": "missing"}[damage] in result.stdout


def test_verify_finds_duplicates_gaps_and_empty_bodies(exports, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    with gzip.open(exports["jsonl.gz"] / "articles.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    rows[1]["id"] = rows[0]["id"]
    rows[2]["body"], rows[2]["content_sha256"] = "", None
    rows = [r for r in rows if not r["published_at"].startswith("2021-0")]  # a hole of months
    with gzip.GzipFile(folder / "articles.jsonl.gz", "wb", mtime=0) as handle:
        handle.writelines((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in rows)
    manifest = json.loads((exports["jsonl.gz"] / "datapackage.json").read_text("utf-8"))
    manifest["resources"][0].update(bytes=(folder / "articles.jsonl.gz").stat().st_size, rows=len(rows),
                                    hash="sha256:" + __import__("hashlib").sha256(
                                        (folder / "articles.jsonl.gz").read_bytes()).hexdigest())
    (folder / "datapackage.json").write_text(json.dumps(manifest), "utf-8")
    result = run_cli("verify", str(folder))
    assert result.returncode == 1
    assert "duplicate IDs" in result.stdout and "2021-01" in result.stdout and "empty body" in result.stdout


def test_verify_reports_files_the_manifest_does_not_list(exports, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(exports["csv"], copy)
    (copy / "notes.txt").write_text("added after the export", "utf-8")
    result = run_cli("verify", str(copy))
    assert result.returncode == 1 and "1 file(s) not in the manifest: notes.txt" in result.stdout


def test_default_export_folder_says_its_format(crawled):
    result = run_cli("export", "--format", "jsonl.gz", "--data", str(crawled))
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.split(" to ", 1)[1].splitlines()[0])
    assert folder.parent == crawled / "exports" and re.fullmatch(r"\d{8}T\d{6}Z-jsonl-gz", folder.name)


def test_verify_without_manifest(tmp_path):
    result = run_cli("verify", str(tmp_path))
    assert result.returncode == 1 and "datapackage.json is missing" in result.stdout


def test_export_refuses_missing_dataset_and_bad_dates(tmp_path):
    missing = export(tmp_path / "nothing", tmp_path / "out", "csv")
    assert missing.returncode == 2 and "no dataset" in missing.stderr
    bad = export(tmp_path, tmp_path / "out2", "csv", "--since", "tomorrowish")
    assert bad.returncode == 2 and "--since" in bad.stderr and "Traceback" not in bad.stderr


def test_large_export_streams(tmp_path):
    """20,000 articles (~250 MB of JSON): the export's peak memory stays far below the data's size."""
    data = tmp_path / "big"
    template = ReplicaSite(articles=10, seed=1).truth(5, "https://truyenhinhthanhhoa.vn")
    template.update(crawled_at="2026-11-01T00:00:00+07:00", content_sha256="0" * 64, extraction={"body": "cms"},
                    version=1, updated_at=None, body=template["body"] * 6)
    size = 0
    for month in range(1, 21):
        path = data / "articles" / "2025" if month <= 12 else data / "articles" / "2026"
        path.mkdir(parents=True, exist_ok=True)
        m = (month - 1) % 12 + 1
        with (path / f"{m:02d}.jsonl").open("w", encoding="utf-8") as handle:
            for n in range(1000):
                row = dict(template, id=f"1802{month:02d}{n:05d}0000000",
                           published_at=f"{2025 + (month > 12)}-{m:02d}-10T08:00:00+07:00")
                line = json.dumps(row, ensure_ascii=False) + "\n"
                size += len(line.encode())
                handle.write(line)
    # What the export itself holds, above what importing its libraries costs (pyarrow, Scrapy, and
    # whatever itemadapter finds installed, such as pydantic): that part does not grow with the data.
    code = ("import resource, sys; from thcrawl.cli import main; import thcrawl.export; "
            "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; rc = main(sys.argv[1:]); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, "export", "--format", "parquet", "--data", str(data),
                             "--out", str(tmp_path / "out")], capture_output=True, text=True, cwd=REPO, timeout=600)
    assert result.returncode == 0, result.stderr
    peak_mb = int(result.stdout.strip().splitlines()[-1]) / 1024
    assert size > 200 * 2**20
    assert peak_mb < 150, f"the export grew by {peak_mb:.0f} MB for {size / 2**20:.0f} MB of data"


def test_warc_is_readable_by_warcio(crawled):
    records = []
    for path in crawled.glob("runs/*/warc/*.warc.gz"):
        with path.open("rb") as handle:
            records += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                         r.http_headers.get_statuscode() if r.rec_type == "response" else None)
                        for r in ArchiveIterator(handle)]
    kinds = [kind for kind, _, _ in records]
    assert kinds.count("response") == kinds.count("request") and kinds.count("warcinfo") >= 1
    assert any(url and url.endswith("/robots.txt") for _, url, _ in records)
    assert any(status == "301" for _, _, status in records)  # legacy URLs redirect, and that is kept too


def test_reparse_gives_the_crawl_items_in_a_data_folder(crawled, dataset, tmp_path):
    out = tmp_path / "re"
    result = run_cli("reparse", str(next(crawled.glob("runs/*/warc"))), "--out", str(out), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    reparsed = {r["id"]: r for r in read_jsonl(next(out.glob("runs/*/articles.jsonl")))}
    crawled_items = {r["id"]: r for r in read_jsonl(next(crawled.glob("runs/*/articles.jsonl")))}
    assert len(reparsed) == ARTICLES and reparsed == crawled_items
    assert {row["id"]: row for path in iter_dataset(out) for row in read_jsonl(path)} == dataset
    assert all(validation_errors(r) == [] for r in reparsed.values())
    stats = json.loads(next(out.glob("runs/*/stats.json")).read_text("utf-8"))
    assert stats["status"] == "ok" and stats["mode"] == "reparse" and stats["new"] == ARTICLES
    read = stats["reparse"]  # home, listings and robots.txt were captured too, and are not articles
    assert read["captures"] - read["not_article_url"] == ARTICLES and read["not_article_url"] > 0


def test_reparsed_folder_exports_and_verifies(crawled, tmp_path):
    out = tmp_path / "re"
    assert run_cli("reparse", str(next(crawled.glob("runs/*/warc"))), "--out", str(out)).returncode == 0
    assert export(out, tmp_path / "export", "jsonl.gz").returncode == 0
    result = run_cli("verify", str(tmp_path / "export"))
    assert result.returncode == 0 and f"{ARTICLES} rows" in result.stdout, result.stdout


def test_reparse_into_the_crawled_folder_leaves_unchanged_items_alone(crawled, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(crawled, copy)
    before = {p.relative_to(copy): p.read_bytes() for p in (copy / "articles").rglob("*.jsonl")}
    result = run_cli("reparse", str(next(copy.glob("runs/*/warc"))), "--out", str(copy))
    assert result.returncode == 0, result.stderr
    assert f"0 new, 0 updated, {ARTICLES} unchanged" in result.stdout
    assert {p.relative_to(copy): p.read_bytes() for p in (copy / "articles").rglob("*.jsonl")} == before


def test_reparse_rejects_non_warc(tmp_path):
    bogus = tmp_path / "x.warc.gz"
    bogus.write_bytes(b"not a warc at all")
    result = run_cli("reparse", str(bogus), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "not a WARC" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()  # refused before anything is written
    bad_jobs = run_cli("reparse", str(bogus), "--jobs", "0")
    assert bad_jobs.returncode == 2 and "--jobs" in bad_jobs.stderr


# -- WACZ ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wacz_file(crawled):
    found = list(crawled.glob("runs/*/*.wacz"))
    assert len(found) == 1, "crawl --warc packages its run as a WACZ"
    return found[0]


def test_wacz_passes_py_wacz_validate(wacz_file, tmp_path):
    tool = Path(sys.executable).with_name("wacz")  # the console script: `python -m wacz` exits 0 on failure
    if not tool.exists():
        pytest.skip("py-wacz's `wacz` tool (the test extra) is not installed")
    result = subprocess.run([str(tool), "validate", "-f", str(wacz_file)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "is valid" in result.stdout, result.stdout + result.stderr
    damaged = tmp_path / "damaged.wacz"  # the validator can fail: one changed byte in the pages list
    with zipfile.ZipFile(wacz_file) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data.replace(b'"ts"', b'"TS"', 1) if info.filename.startswith("pages/") else data)
    result = subprocess.run([str(tool), "validate", "-f", str(damaged)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "the passed WACZ is invalid" in result.stdout


def test_wacz_holds_the_warcs_an_index_and_every_article_fetched(wacz_file, crawled):
    with zipfile.ZipFile(wacz_file) as archive:
        names = archive.namelist()
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
        index = archive.read("indexes/index.cdxj").decode().splitlines()
        package = json.loads(archive.read("datapackage.json"))
        warcs = {n for n in names if n.startswith("archive/")}
        assert all(archive.getinfo(n).compress_type == zipfile.ZIP_STORED for n in warcs)
    assert warcs == {f"archive/{p.name}" for p in crawled.glob("runs/*/warc/*.warc.gz")}
    assert pages[0]["format"] == "json-pages-1.0"
    items = {r["url"]: r for r in read_jsonl(next(crawled.glob("runs/*/articles.jsonl")))}
    listed = {p["url"]: p for p in pages[1:]}
    assert len(listed) == len(pages) - 1 == ARTICLES and set(listed) == set(items)
    some = next(iter(items.values()))
    assert listed[some["url"]]["title"] == some["title"]
    assert listed[some["url"]]["ts"][:19] == datetime.fromisoformat(some["crawled_at"]).astimezone(UTC).isoformat()[:19]
    assert any(line.split(" ", 2)[2].find(some["url"].split("://")[1].split("/", 1)[1]) > 0 for line in index)
    assert {r["path"] for r in package["resources"]} == set(names) - {"datapackage.json", "datapackage-digest.json"}
    assert package["wacz_version"] == "1.1.1"


def test_warcinfo_names_software_operator_robots_and_settings(crawled):
    path = next(crawled.glob("runs/*/warc/*.warc.gz"))
    with path.open("rb") as handle:
        record = next(iter(ArchiveIterator(handle)))
        fields = dict(line.split(": ", 1) for line in record.content_stream().read().decode().splitlines() if line)
    assert record.rec_type == "warcinfo"
    assert fields["software"].startswith("thcrawl/") and "Scrapy/" in fields["software"]
    assert fields["operator"] == "https://github.com/thcrawl/thcrawl#contact"
    assert fields["robots"] == "obey"
    assert fields["isPartOf"] == f"thcrawl-run-{path.parent.parent.name}"
    settings = json.loads(fields["thcrawl-settings"])
    assert settings["ROBOTSTXT_OBEY"] is True and settings["DOWNLOAD_DELAY"] == 0  # --fast, as crawled
    assert settings["USER_AGENT"].startswith("thcrawl/")


def test_wacz_command_refuses_a_run_without_warc(tmp_path):
    (tmp_path / "runs" / "x").mkdir(parents=True)
    result = run_cli("wacz", str(tmp_path / "runs" / "x"))
    assert result.returncode == 2 and "no WARC files" in result.stderr and "Traceback" not in result.stderr
