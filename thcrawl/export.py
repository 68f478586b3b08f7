"""`thcrawl export`: the dataset (DATA/articles/) as JSON Lines (gzip), Parquet or CSV, with a Frictionless
Data Package manifest (datapackage.json) beside the files that `frictionless validate` passes.

A Parquet export keeps its data files in their own partition tree (`articles/year=Y/month=M/`), apart from
the manifest, so pyarrow, pandas, polars and DuckDB read that folder directly.

Rows stream month file by month file: memory holds one batch of rows, not the dataset.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from thcrawl import SITE_URL, __version__
from thcrawl.dataset import iter_dataset, iter_jsonl
from thcrawl.dates import VN_TZ, to_iso
from thcrawl.formats import ARROW_SCHEMA, ARROW_TYPES, FIELDS, to_arrow_row, to_csv_row
from thcrawl.jsonl import dumps_line_bytes
from thcrawl.runstate import STATE_FILE
from thcrawl.validation import article_schema

FORMATS = ("jsonl.gz", "parquet", "csv")
MANIFEST = "datapackage.json"
BATCH_ROWS = 1000
DEFAULT_LICENCE = ("Content © Đài Phát thanh và Truyền hình Thanh Hóa (truyenhinhthanhhoa.vn); reuse is subject to "
                   "the publisher's terms. Set the dataset's own terms with --licence.")
# How each format is described to Frictionless: its own format names ("jsonl" with gzip compression).
RESOURCE_FORMATS = {
    "jsonl.gz": {"format": "jsonl", "compression": "gz", "mediatype": "application/x-ndjson"},
    "parquet": {"format": "parquet", "mediatype": "application/vnd.apache.parquet"},
    "csv": {"format": "csv", "mediatype": "text/csv"},
}
PARQUET_ROOT = "articles"  # the partition tree of a Parquet export, readable as one dataset
# Articles without a publish date: an integer partition (not Hive's null), so readers keep year and month
# integer and pandas does not trip over null dictionary values.
UNDATED_PARTITION = "year=0/month=0"


@dataclass
class ExportOptions:
    data_dir: Path
    out_dir: Path
    fmt: str
    since: datetime | None = None
    until: datetime | None = None
    bom: bool = False
    licence: str | None = None


@dataclass
class Resource:
    path: Path
    rows: int = 0


@dataclass
class ExportResult:
    out_dir: Path
    rows: int
    resources: list[Resource] = field(default_factory=list)
    first: str | None = None
    last: str | None = None


def rows_by_month(options: ExportOptions) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(month, its rows in the window) for each month file of the dataset, streamed line by line."""
    low, high = to_iso(options.since), to_iso(options.until)

    def month_rows(path: Path) -> Iterator[dict[str, Any]]:
        for row in iter_jsonl(path):
            when = row.get("published_at")
            if (low and (not when or when < low)) or (high and (not when or when > high)):
                continue
            yield row

    for path in iter_dataset(options.data_dir):
        month = path.stem if path.parent.name == "articles" else f"{path.parent.name}-{path.stem}"
        yield month, month_rows(path)


class _Progress:
    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.on = stream.isatty()

    def show(self, rows: int, month: str) -> None:
        if self.on:
            self.stream.write(f"\r\033[Kexported {rows} articles (at {month})")
            self.stream.flush()

    def done(self) -> None:
        if self.on:
            self.stream.write("\n")


def export(options: ExportOptions) -> ExportResult:
    if options.fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")
    if not (options.data_dir / "articles").is_dir():
        raise ValueError(f"no dataset under {options.data_dir / 'articles'}: run `thcrawl crawl` first")
    options.out_dir.mkdir(parents=True, exist_ok=True)
    if any(options.out_dir.iterdir()):
        raise ValueError(f"{options.out_dir} is not empty: export into a new folder")
    result = ExportResult(out_dir=options.out_dir, rows=0)
    progress = _Progress()
    writer = {"jsonl.gz": _JsonlGzWriter, "parquet": _ParquetWriter, "csv": _CsvWriter}[options.fmt](options)
    for month, rows in rows_by_month(options):
        for row in rows:
            writer.write(month, row)
            result.rows += 1
            when = row.get("published_at")
            if when:
                result.first = min(result.first or when, when)
                result.last = max(result.last or when, when)
            if result.rows % BATCH_ROWS == 0:
                progress.show(result.rows, month)
        writer.end_month()
    result.resources = writer.close()
    progress.done()
    write_manifest(options, result)
    return result


class _SingleFileWriter:
    """Every row into one file, whatever its month."""

    handle: Any
    resource: Resource

    def write(self, month: str, row: dict[str, Any]) -> None:
        self._write(row)
        self.resource.rows += 1

    def _write(self, row: dict[str, Any]) -> None:
        raise NotImplementedError

    def end_month(self) -> None:
        pass

    def close(self) -> list[Resource]:
        self.handle.close()
        return [self.resource]


class _JsonlGzWriter(_SingleFileWriter):
    def __init__(self, options: ExportOptions) -> None:
        self.resource = Resource(options.out_dir / "articles.jsonl.gz")
        # mtime=0: the same rows give the same bytes, so the sha256 in the manifest is reproducible.
        self.handle = gzip.GzipFile(self.resource.path, "wb", mtime=0)

    def _write(self, row: dict[str, Any]) -> None:
        self.handle.write(dumps_line_bytes(in_schema_order(row)))


class _CsvWriter(_SingleFileWriter):
    def __init__(self, options: ExportOptions) -> None:
        self.resource = Resource(options.out_dir / "articles.csv")
        # utf-8-sig writes a BOM, which spreadsheet programs need to read UTF-8 CSV correctly.
        self.handle = self.resource.path.open("w", encoding="utf-8-sig" if options.bom else "utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(FIELDS)

    def _write(self, row: dict[str, Any]) -> None:
        self.writer.writerow(to_csv_row(row))


def in_schema_order(row: dict[str, Any]) -> dict[str, Any]:
    """The row's keys in the schema's order, as a Frictionless reader of JSON Lines expects them."""
    ordered = {name: row.get(name) for name in FIELDS}
    ordered.update((key, value) for key, value in row.items() if key not in ordered)
    return ordered


def partition_of(month: str) -> str:
    """`year=2024/month=6` for "2024-06": integers, so every reader types both columns as integers
    (DuckDB reads a zero-padded "06" as text)."""
    year, _, number = month.partition("-")
    if not (year.isdigit() and number.isdigit()):
        return UNDATED_PARTITION
    return f"year={int(year)}/month={int(number)}"


class _ParquetWriter:
    """One file per publish month, Hive-style: articles/year=YYYY/month=M/part-0.parquet."""

    def __init__(self, options: ExportOptions) -> None:
        self.out = options.out_dir
        self.resources: list[Resource] = []
        self.batch: list[dict[str, Any]] = []
        self.writer: pq.ParquetWriter | None = None
        self.month: str | None = None

    def write(self, month: str, row: dict[str, Any]) -> None:
        if self.writer is None or month != self.month:
            self.end_month()
            folder = self.out / PARQUET_ROOT / partition_of(month)
            folder.mkdir(parents=True, exist_ok=True)
            self.resources.append(Resource(folder / "part-0.parquet"))
            self.writer = pq.ParquetWriter(self.resources[-1].path, ARROW_SCHEMA, compression="zstd")
            self.month = month
        self.batch.append(to_arrow_row(row))
        self.resources[-1].rows += 1
        if len(self.batch) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.batch and self.writer is not None:
            self.writer.write_table(pa.Table.from_pylist(self.batch, schema=ARROW_SCHEMA))
            self.batch.clear()

    def end_month(self) -> None:
        self._flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def close(self) -> list[Resource]:
        self.end_month()
        return self.resources


# -- the manifest --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_schema(fmt: str = "jsonl.gz") -> dict[str, Any]:
    """The Article JSON Schema as a Frictionless Table Schema (field names, types, descriptions).

    Nested fields of a Parquet file are Arrow lists and maps, which Table Schema has no type for, so they
    are declared `any` there, with the Arrow type in the field's `arrowType`.
    """
    fields = []
    for name, spec in article_schema()["properties"].items():
        ref = spec.get("$ref", "")
        kinds = spec.get("type", [])
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if ref.endswith("isoDate") or name in ("crawled_at",):
            kind = "datetime"
        elif "array" in kinds:
            kind = "array"
        elif "object" in kinds:
            kind = "object"
        elif "integer" in kinds:
            kind = "integer"
        else:
            kind = "string"
        field = {"name": name, "type": kind, "description": spec.get("description", "")}
        if fmt == "parquet" and kind in ("array", "object"):
            field.update(type="any", arrowType=str(ARROW_TYPES[name]))
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"]}


def read_only_rows(state_file: Path, sql: str) -> list[tuple[Any, ...]]:
    """Rows of the state database, opened read-only: an export may read an archived, read-only data
    folder. `immutable` when not even SQLite's shared-memory file can be made there (a read-only mount)."""
    uri = state_file.resolve().as_uri()
    for mode in ("mode=ro", "mode=ro&immutable=1"):
        try:
            with closing(sqlite3.connect(f"{uri}?{mode}", uri=True)) as db:
                return db.execute(sql).fetchall()
        except sqlite3.OperationalError:
            continue
    raise OSError(f"cannot read the state database {state_file}")


def provenance(data_dir: Path) -> dict[str, Any]:
    runs, sites, settings = [], set(), {}
    state_file = data_dir / STATE_FILE
    if state_file.exists():
        for run_id, started, finished, status, summary in read_only_rows(
                state_file, "SELECT run_id, started_at, finished_at, status, summary FROM runs ORDER BY started_at"):
            details = json.loads(summary) if summary else {}
            runs.append({"run": run_id, "started": started, "finished": finished, "status": status,
                         "mode": details.get("mode"), "articles": details.get("articles")})
            if details.get("site"):
                sites.add(details["site"])
            settings = details.get("settings") or settings
    return {"runs": runs, "sites": sorted(sites) or [SITE_URL], "crawl_settings": settings}


def write_manifest(options: ExportOptions, result: ExportResult) -> Path:
    origin = provenance(options.data_dir)
    schema = table_schema(options.fmt)
    resources = []
    for resource in result.resources:
        relative = resource.path.relative_to(options.out_dir).as_posix()
        entry = {
            "name": "articles" + ("-" + relative.removeprefix(PARQUET_ROOT + "/").removesuffix("/part-0.parquet")
                                  .replace("/", "-").replace("=", "") if options.fmt == "parquet" else ""),
            "path": relative, **RESOURCE_FORMATS[options.fmt], "encoding": "utf-8",
            "bytes": resource.path.stat().st_size, "hash": f"sha256:{sha256_of(resource.path)}",
            "rows": resource.rows, "schema": schema,
        }
        if options.fmt == "parquet":
            # Frictionless reads Parquet through pyarrow, not as a byte stream, so it cannot count bytes and
            # reports any `bytes` as a mismatch; `thcrawl verify` checks the size kept here and the hash.
            entry["thcrawl"] = {"bytes": entry.pop("bytes")}
        resources.append(entry)
    manifest = {
        "profile": "data-package",
        "name": "thcrawl-truyenhinhthanhhoa",
        "title": "Articles of truyenhinhthanhhoa.vn (Đài Phát thanh và Truyền hình Thanh Hóa)",
        "created": to_iso(datetime.now(VN_TZ)),
        "licenses": [{"name": "custom", "title": options.licence or DEFAULT_LICENCE}],
        "sources": [{"title": site, "path": site} for site in origin["sites"]],
        "resources": resources,
        "thcrawl": {
            "version": __version__,
            "format": options.fmt,
            "rows": result.rows,
            "date_range": {"first_published": result.first, "last_published": result.last},
            "filter": {"since": to_iso(options.since), "until": to_iso(options.until)},
            "runs": origin["runs"],
            "crawl_settings": origin["crawl_settings"],
        },
    }
    path = options.out_dir / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return path
