"""`thcrawl verify DIR`: is an export complete and unaltered? Hashes, sizes and row counts against the
manifest, every row against the schema, duplicate IDs, months without articles, empty bodies, and files
in the folder that the manifest does not list."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from thcrawl.dataset import months_between
from thcrawl.export import MANIFEST, sha256_of
from thcrawl.formats import from_arrow_row, from_csv_row
from thcrawl.jsonl import loads_line
from thcrawl.validation import validation_errors

MAX_LISTED = 20


@dataclass
class Report:
    files: int = 0
    rows: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings


def read_rows(path: Path, fmt: str) -> Iterator[dict[str, Any]]:
    """The rows of one exported file, as JSON items."""
    if fmt == "jsonl.gz":
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield loads_line(line)
    elif fmt == "csv":
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                yield from_csv_row(row)
    elif fmt == "parquet":
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
            for row in batch.to_pylist():
                yield from_arrow_row(row)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def resource_format(resource: dict[str, Any], manifest: dict[str, Any]) -> str:
    """thcrawl's format name of a resource ("jsonl" + gzip compression is "jsonl.gz")."""
    fmt = manifest.get("thcrawl", {}).get("format") or resource.get("format")
    if fmt == "jsonl" and resource.get("compression") == "gz":
        return "jsonl.gz"
    return fmt


def resource_bytes(resource: dict[str, Any]) -> int | None:
    """The size the manifest gives a file (Parquet keeps it under `thcrawl`: Frictionless cannot count it)."""
    return resource.get("bytes", resource.get("thcrawl", {}).get("bytes"))


def unlisted_files(folder: Path, manifest: dict[str, Any]) -> list[str]:
    """Files of the export that the manifest does not name: added later, or left by another tool."""
    listed = {resource.get("path") for resource in manifest.get("resources", [])} | {MANIFEST}
    return sorted(rel for rel in (p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
                  if rel not in listed)


def verify(folder: Path) -> Report:
    report = Report()
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        report.findings.append(f"{MANIFEST} is missing: not an export of thcrawl")
        return report
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except ValueError as exc:
        report.findings.append(f"{MANIFEST} is not valid JSON: {exc}")
        return report
    seen: set[str] = set()
    duplicates: list[str] = []
    months: set[str] = set()
    empty_bodies: list[str] = []
    for resource in manifest.get("resources", []):
        path = folder / resource["path"]
        report.files += 1
        if not path.exists():
            report.findings.append(f"{resource['path']}: missing")
            continue
        size = path.stat().st_size
        if size != resource_bytes(resource):
            report.findings.append(f"{resource['path']}: {size} bytes, the manifest says {resource_bytes(resource)} "
                                   "(truncated or altered)")
        expected_hash = str(resource.get("hash", "")).removeprefix("sha256:")
        if sha256_of(path) != expected_hash:
            report.findings.append(f"{resource['path']}: sha256 differs from the manifest (altered)")
        rows = 0
        invalid = 0
        try:
            for item in read_rows(path, resource_format(resource, manifest)):
                rows += 1
                errors = validation_errors(item)
                if errors:
                    invalid += 1
                    if invalid <= MAX_LISTED:
                        report.findings.append(f"{resource['path']} row {rows}: {errors[0]}")
                article = item.get("id") or ""
                if article in seen:
                    duplicates.append(article)
                seen.add(article)
                if item.get("published_at"):
                    months.add(item["published_at"][:7])
                if not item.get("body"):
                    empty_bodies.append(article)
        except Exception as exc:  # noqa: BLE001 - any read failure is a finding about this file
            report.findings.append(f"{resource['path']}: unreadable after {rows} rows ({type(exc).__name__}: {exc})")
        if invalid > MAX_LISTED:
            report.findings.append(f"{resource['path']}: {invalid} invalid rows in all")
        if rows != resource.get("rows"):
            report.findings.append(f"{resource['path']}: {rows} rows, the manifest says {resource.get('rows')}")
        report.rows += rows
    extra = unlisted_files(folder, manifest)
    if extra:
        report.findings.append(f"{len(extra)} file(s) not in the manifest: {', '.join(extra[:MAX_LISTED])}")
    if duplicates:
        report.findings.append(f"{len(duplicates)} duplicate IDs: {', '.join(duplicates[:MAX_LISTED])}")
    if months:
        gaps = [m for m in months_between(min(months), max(months)) if m not in months]
        if gaps:
            report.findings.append(f"{len(gaps)} months with no article: {', '.join(gaps[:MAX_LISTED])}")
    if empty_bodies:
        report.findings.append(f"{len(empty_bodies)} articles with an empty body: {', '.join(empty_bodies[:MAX_LISTED])}")
    return report
