"""A warehouse of the seeds and of ../shared/gold/dev-articles.json's 33 articles (their titles, texts, dates,
outlets and links only: no gold answer), and the explorer over it served by uvicorn on loopback, for the
package's tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from akhbar.explore.app import create_app
from flows.ingest import ingest
from tests.support.paths import SEEDS, SHARED, need_shared
from tests.support.serve import served

DEV_ARTICLES = SHARED / "gold" / "dev-articles.json"


def write_dev_articles(folder: Path) -> int:
    """The dev articles as a folder source (a .txt each and a manifest.json): how many."""
    folder.mkdir(parents=True)
    articles = json.loads(DEV_ARTICLES.read_text(encoding="utf-8"))["articles"]
    manifest = {}
    for aid, article in articles.items():
        (folder / f"{aid}.txt").write_text(article["text"], encoding="utf-8")
        manifest[f"{aid}.txt"] = {"title": article.get("title"), "published": article.get("published"),
                                  "outlet": article.get("source"), "url": article.get("url"), "language": "ar"}
    (folder / "manifest.json").write_text(json.dumps({"articles": manifest}, ensure_ascii=False), encoding="utf-8")
    return len(articles)


@pytest.fixture(scope="package")
def seeded(tmp_path_factory, prefect_harness):
    need_shared(DEV_ARTICLES)
    root = tmp_path_factory.mktemp("explore")
    path = root / "warehouse.duckdb"
    ingest(source=str(SEEDS), warehouse=str(path), workers=1)
    write_dev_articles(root / "dev-articles")
    ingest(source=str(root / "dev-articles"), warehouse=str(path), workers=1)
    return path


@pytest.fixture(scope="package")
def client(seeded):
    with served(create_app(seeded)) as c:
        yield c
