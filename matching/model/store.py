"""Versioned model files: model JSON and chart HTML on a local folder or s3://."""

from __future__ import annotations

import json
from pathlib import Path

from runtime.config import Settings, is_remote


class ModelStore:
    """Versioned model JSON and chart HTML under ``<warehouse>/matching/models/<domain>/``."""

    def __init__(self, settings: Settings, domain: str) -> None:
        self.root = f"{settings.table_path('matching', 'models')}/{domain}"
        self.settings = settings

    def _s3(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.settings.get("s3.endpoint"))

    @staticmethod
    def _split(uri: str) -> tuple[str, str]:
        bucket, _, key = uri.split("://", 1)[1].partition("/")
        return bucket, key

    def write(self, name: str, text: str) -> str:
        uri = f"{self.root}/{name}"
        if is_remote(uri):
            bucket, key = self._split(uri)
            self._s3().put_object(Bucket=bucket, Key=key, Body=text.encode())
        else:
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            Path(uri).write_text(text)
        return uri

    def read(self, name: str) -> str:
        uri = f"{self.root}/{name}"
        if is_remote(uri):
            bucket, key = self._split(uri)
            return self._s3().get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        return Path(uri).read_text()

    def versions(self) -> list[str]:
        """Model versions, oldest first (versions are UTC timestamps, so they sort)."""
        if is_remote(self.root):
            bucket, key = self._split(self.root)
            pages = self._s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key + "/")
            names = [o["Key"].rsplit("/", 1)[-1] for page in pages for o in page.get("Contents", [])]
        else:
            names = [p.name for p in Path(self.root).glob("model-*.json")] if Path(self.root).exists() else []
        return sorted(n[len("model-") : -len(".json")] for n in names if n.startswith("model-") and n.endswith(".json"))

    def latest(self) -> tuple[str, dict] | None:
        found = self.versions()
        return (found[-1], json.loads(self.read(f"model-{found[-1]}.json"))) if found else None
