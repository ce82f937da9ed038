"""The ingest flow end to end under a real (temporary) Prefect API into a real DuckDB file."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.ingest import ingest
from tests.support.paths import FIXTURES, ROOT, SEEDS, read_rows

pytestmark = pytest.mark.usefixtures("prefect_harness")
HTML_FIXTURE = FIXTURES / "html_pages" / "amman_water.html"


def test_seeds_land_clean_with_manifest_metadata(warehouse_path, gold):
    result = ingest(source=str(SEEDS), warehouse=str(warehouse_path))
    assert result["articles"]["new"] == 5 and result["rejects"] == {}
    manifest = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))["articles"]
    rows = read_rows(warehouse_path, "SELECT d.input_ref, a.title, a.text, a.published_at, a.language, a.outlet, a.url, a.run_id"
                                 " FROM articles a JOIN documents d USING (doc_id)")
    assert len(rows) == 5
    for input_ref, title, text, published_at, language, outlet, url, run_id in rows:
        name = input_ref.split("/", 1)[1]
        want = gold["articles"][name.removesuffix(".txt")]
        meta = manifest[name]
        assert title == want["title"]
        for phrase in want["cleaning"].get("must_appear_once", []):
            assert text.count(phrase) == 1
        for phrase in want["cleaning"].get("must_not_appear", []):
            assert phrase not in text
        assert published_at.date().isoformat() == meta["published"]
        assert language == "ar" and outlet == meta["outlet"]
        assert run_id == result["run_id"]
        if meta["url"]:
            assert url == meta["url"]
    status, counts = read_rows(warehouse_path, "SELECT status, counts FROM runs")[0]
    assert status == "completed" and json.loads(counts)["articles"]["new"] == 5


def test_second_run_changes_nothing(warehouse_path):
    first = ingest(source=str(SEEDS), warehouse=str(warehouse_path))
    snapshot = read_rows(warehouse_path, "SELECT article_id, text_sha256, first_run_id, run_id, updated_at FROM articles ORDER BY 1")
    second = ingest(source=str(SEEDS), warehouse=str(warehouse_path))
    assert second["articles"] == {"new": 0, "updated": 0, "unchanged": 5, "duplicate": 0, "out_of_window": 0}
    assert second["documents"] == {"new_or_changed": 0, "unchanged": 5}
    assert read_rows(warehouse_path, "SELECT article_id, text_sha256, first_run_id, run_id, updated_at FROM articles ORDER BY 1") == snapshot
    assert {r[2] for r in snapshot} == {first["run_id"]}
    counts = read_rows(warehouse_path, "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles), (SELECT count(*) FROM runs)")
    assert counts == [(5, 5, 2)]


def test_a_changed_file_updates_its_article_only(tmp_path, warehouse_path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS, folder)
    ingest(source=str(folder), warehouse=str(warehouse_path))
    target = folder / "003_abe0edcc387d59e3.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\nوفي ختام الزيارة، عاد الوزير إلى دمشق مساء اليوم نفسه بعد لقاءات استمرت ثلاثة أيام.\n", encoding="utf-8")
    again = ingest(source=str(folder), warehouse=str(warehouse_path))
    assert again["articles"]["updated"] == 1 and again["articles"]["unchanged"] == 4
    assert again["documents"]["new_or_changed"] == 1
    assert read_rows(warehouse_path, "SELECT count(*) FROM articles WHERE text LIKE '%عاد الوزير إلى دمشق%'") == [(1,)]


def test_bad_files_become_rejects_and_the_run_finishes(tmp_path, warehouse_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    arabic = "أعلنت وزارة الخارجية السورية اليوم عن استئناف الرحلات الجوية بين دمشق وعمان بعد توقف دام سنوات."
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 2)
    (folder / "legacy-1256.txt").write_bytes(arabic.encode("cp1256"))
    (folder / "huge.txt").write_bytes(b"a " * 600)
    (folder / "furniture.txt").write_text("الرئيسية\nشارك\n1034\nمشاهدة\n", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00" + b"not really gzip")
    result = ingest(source=str(folder), warehouse=str(warehouse_path), max_bytes=1000)
    assert result["rejects"] == {"binary": 1, "decode_error": 1, "empty": 1, "no_text": 1, "too_large": 1, "unsupported_type": 1}
    rejects = dict(read_rows(warehouse_path, "SELECT input_ref, reason FROM rejects"))
    assert rejects == {
        "bad/empty.txt": "empty", "bad/binary.txt": "binary", "bad/huge.txt": "too_large",
        "bad/furniture.txt": "no_text", "bad/picture.png": "unsupported_type", "bad/broken.html.gz": "decode_error",
    }
    assert read_rows(warehouse_path, "SELECT text, language FROM articles") == [(arabic, "ar")]
    assert read_rows(warehouse_path, "SELECT encoding FROM documents WHERE input_ref = 'bad/legacy-1256.txt'") == [("cp1256",)]
    assert read_rows(warehouse_path, "SELECT status FROM runs") == [("completed",)]


def test_html_in_a_legacy_charset_gzipped_lands_with_metadata(tmp_path, warehouse_path):
    folder = tmp_path / "html"
    folder.mkdir()
    html = HTML_FIXTURE.read_text(encoding="utf-8")
    (folder / "amman.html.gz").write_bytes(gzip.compress(html.encode("cp1256")))
    result = ingest(source=str(folder), warehouse=str(warehouse_path))
    assert result["articles"]["new"] == 1
    [(title, author, outlet, published, text, language)] = read_rows(
        warehouse_path, "SELECT title, author, outlet, published_at, text, language FROM articles")
    assert title == "الأردن يطلق مشروع تحلية مياه العقبة"
    assert author == "ليلى حداد" and outlet == "صحيفة الغد" and language == "ar"
    assert published.date().isoformat() == "2023-05-14"
    assert text.startswith("أطلقت الحكومة الأردنية") and "الأكثر قراءة" not in text and "جميع الحقوق" not in text


def test_exact_copies_across_files_point_to_the_earliest(tmp_path, warehouse_path):
    folder = tmp_path / "dups"
    folder.mkdir()
    body = (SEEDS / "003_abe0edcc387d59e3.txt").read_text(encoding="utf-8")
    (folder / "a.txt").write_text(body, encoding="utf-8")
    (folder / "b.txt").write_text(body.replace("ي", "ی").replace("ـ", ""), encoding="utf-8")  # Persian yeh
    (folder / "manifest.json").write_text(json.dumps({"a.txt": {"published": "2024-03-19"}, "b.txt": {"published": "2024-03-18"}}))
    result = ingest(source=str(folder), warehouse=str(warehouse_path))
    assert result["articles"]["duplicate"] == 1
    rows = dict(read_rows(warehouse_path, "SELECT d.input_ref, a.dup_of FROM articles a JOIN documents d USING (doc_id)"))
    ids = dict(read_rows(warehouse_path, "SELECT d.input_ref, a.article_id FROM articles a JOIN documents d USING (doc_id)"))
    assert rows == {"dups/b.txt": None, "dups/a.txt": ids["dups/b.txt"]}


def test_cli_reports_rejects_and_exits_zero(tmp_path):
    folder = tmp_path / "cli"
    folder.mkdir()
    shutil.copy(SEEDS / "004_e2e31be185229538.txt", folder / "one.txt")
    (folder / "zero.txt").write_bytes(b"")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "akhbar"), "ingest", "--from", str(folder), "--warehouse", str(tmp_path / "w.duckdb")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout + proc.stderr
    assert "articles             new 1" in out and "rejects              empty 1" in out


def test_cli_refuses_a_missing_folder(tmp_path):
    proc = subprocess.run([str(Path(sys.executable).parent / "akhbar"), "ingest", "--from", str(tmp_path / "nope")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no such folder or file" in proc.stderr


def test_backfill_window_and_reprocess_from_stored_raw(tmp_path, warehouse_path):
    from datetime import date

    from flows.ingest import backfill, reprocess

    toml = tmp_path / "sources.toml"
    toml.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\npath = "{SEEDS}"\n', encoding="utf-8")
    first = backfill(since=date(2017, 10, 1), until=date(2017, 11, 1), sources=["seeds"], source_file=str(toml),
                     warehouse=str(warehouse_path))
    assert first["articles"]["new"] == 3 and first["articles"]["out_of_window"] == 2
    overlapping = backfill(since=date(2017, 10, 15), until=date(2018, 1, 1), source_file=str(toml), warehouse=str(warehouse_path))
    assert overlapping["articles"]["new"] == 0 and overlapping["articles"]["updated"] == 0
    again = reprocess(since=date(2017, 10, 1), until=date(2017, 11, 1), warehouse=str(warehouse_path))
    assert again["inputs"] == 3 and again["articles"]["unchanged"] == 3 and again["articles"]["updated"] == 0
    assert again["fetch"]["fetched"] == 0
    flows = [r[0] for r in read_rows(warehouse_path, "SELECT flow FROM runs ORDER BY started_at")]
    assert flows == ["backfill", "backfill", "reprocess"]
    with pytest.raises(ValueError, match="must be before"):
        backfill(since=date(2018, 1, 1), until=date(2017, 1, 1), source_file=str(toml), warehouse=str(warehouse_path))


def test_seeds_fall_into_the_gold_stories(warehouse_path, gold):
    ingest(source=str(SEEDS), warehouse=str(warehouse_path))
    story_of = {ref.split("/", 1)[1].removesuffix(".txt"): story for ref, story in read_rows(
        warehouse_path, "SELECT d.input_ref, a.story_id FROM articles a JOIN documents d USING (doc_id)")}
    predicted = {frozenset(a for a, s in story_of.items() if s == story) for story in set(story_of.values())}
    assert predicted == {frozenset(s["articles"]) for s in gold["stories"]}
    stories = read_rows(warehouse_path, "SELECT article_count, first_published_at FROM stories ORDER BY first_published_at")
    assert [(n, t.date().isoformat()) for n, t in stories] == [(3, "2017-10-18"), (1, "2020-07-08"), (1, "2024-03-18")]


def test_batch_tasks_take_their_lists_and_dicts_as_they_are():
    """flows.ingest.as_is: Prefect does not walk a batch task's lists and dicts (it would resolve any state
    or future it found in them, at a cost per element); the task gets them unchanged."""
    from prefect import flow, task
    from prefect.states import Completed

    from flows.ingest import as_is

    @task
    def receives(items, table, number):
        return items, table, number

    state = Completed(data=7)

    @flow
    def run():
        return as_is(receives)([state, 1], {"files": [state]}, number=3), receives([state, 1], {"files": [state]}, 3)

    quoted, walked = run()
    assert quoted == ([state, 1], {"files": [state]}, 3)  # passed as they are: the state is not resolved
    assert walked == ([7, 1], {"files": [7]}, 3)  # without: Prefect walked them and resolved the state


def test_a_backfill_that_extracts_again_counts_each_document_once(tmp_path, warehouse_path):
    """Folders are read and extracted again in their own pass; the reprocess pass after it takes the web
    sources' stored pages, and not the pages the backfill has just fetched."""
    from datetime import date

    from flows.ingest import backfill
    from tests.support.newsroom import Newsroom

    with Newsroom(seed=7) as site:
        site.publish(4)
        toml = tmp_path / "sources.toml"
        toml.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\npath = "{SEEDS}"\n\n[[source]]\nname = "site"\n'
                        f'kind = "rss"\nurl = "{site.url("/feed.xml")}"\nrate = 0\nallow_private = ["127.0.0.1"]\n',
                        encoding="utf-8")
        first = ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
        site.publish(2)
        again = backfill(since=date(2017, 1, 1), until=date(2027, 1, 1), reextract=True, source_file=str(toml),
                         warehouse=str(warehouse_path), workers=1)
    assert first["inputs"] == 5 + 4 and first["articles"]["new"] == 9
    assert again["inputs"] == 5 + 2 + 4  # the files, the two new pages, the four stored pages: once each
    assert again["documents"] == {"new_or_changed": 11, "unchanged": 0}
    assert again["articles"]["new"] == 2 and again["articles"]["unchanged"] == 9
    assert again["extracted"]["mentions"] < 2 * first["extracted"]["mentions"]
    (counts,) = read_rows(warehouse_path, "SELECT counts FROM runs WHERE run_id = ?", [again["run_id"]])[0]
    assert json.loads(counts)["inputs"] == 11
    health = dict(read_rows(warehouse_path, "SELECT source, documents FROM source_health WHERE run_id = ?", [again["run_id"]]))
    assert health == {"seeds": 5, "site": 2}


def test_a_folder_that_is_gone_is_a_reject_and_a_failing_source_not_a_failed_run(tmp_path, warehouse_path):
    gone = tmp_path / "incoming"
    toml = tmp_path / "sources.toml"
    toml.write_text(f'[[source]]\nname = "seeds"\nkind = "folder"\npath = "{SEEDS}"\n\n'
                    f'[[source]]\nname = "incoming"\nkind = "folder"\npath = "{gone}"\n', encoding="utf-8")
    result = ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
    assert result["articles"]["new"] == 5 and result["rejects"] == {"folder_missing": 1}
    assert read_rows(warehouse_path, "SELECT input_ref, stage, reason FROM rejects") == [(str(gone), "load", "folder_missing")]
    health = {r[0]: r[1:] for r in read_rows(warehouse_path, "SELECT source, status, reasons FROM source_health")}
    assert health == {"seeds": ("ok", []), "incoming": ("failing", ["unreachable"])}
    gone.mkdir()
    (gone / "port.txt").write_text("افتتاح ميناء جديد في العقبة\n\nافتتح وزير النقل الأردني اليوم الأحد ميناء جديدا للحاويات"
                                   " في مدينة العقبة، بكلفة بلغت نحو مئتي مليون دينار. وقال الوزير إن الميناء سيرفع"
                                   " قدرة المملكة على استقبال السفن الكبيرة ويوفر مئات فرص العمل للشباب.\n", encoding="utf-8")
    back = ingest(source=str(toml), warehouse=str(warehouse_path), workers=1)
    assert back["articles"]["new"] == 1 and back["rejects"] == {}
    assert read_rows(warehouse_path, "SELECT resolved_run_id FROM rejects") == [(back["run_id"],)]
    assert read_rows(warehouse_path, "SELECT status FROM source_health WHERE source = 'incoming' AND run_id = ?",
                     [back["run_id"]]) == [("ok",)]
