"""What the recogniser learns from the unlabelled news corpus: the corpus reader, the cluster tree, the
nearest-neighbour types, and how the shipped lexicon carries them (tasks/enrich/ner/embeddings.py,
clusters.py, neighbours.py; measured, not shipped: docs/ner.md). Training word2vec itself needs gensim (the
ner-train extra) and is run by `make train-ner NEWS=1`."""
from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from tasks.enrich.ner.clusters import cluster_tree, read_clusters, write_clusters
from tasks.enrich.ner.embeddings import news_sentences
from tasks.enrich.ner.features import FeatureCache, cluster_form, sentence_features
from tasks.enrich.ner.lexicon import Lexicon, read_lexicon, write_lexicon
from tasks.enrich.ner.neighbours import label_counts, nearest, neighbour_types
from tasks.text.normalize import normalize_arabic


def _news(folder, articles):
    folder.mkdir()
    with gzip.open(folder / "a.jsonl.gz", "wt", encoding="utf-8") as fh:
        for art in articles:
            fh.write(json.dumps(art, ensure_ascii=False) + "\n")
    return folder


def test_news_sentences_are_the_taggers_tokens_normalized(tmp_path):
    folder = _news(tmp_path / "news", [
        {"title": "زيارة الرئيس إلى دمشق", "text": "قال الوزير: «نعم». وأضاف أنّ الزيارة مهمة!\nسطر ثان هنا"},
        {"title": "", "text": "خبر ثان عن القاهرة."},
        {"title": "ثالث", "text": "خبر ثالث عن بيروت."},
    ])
    normalized = list(news_sentences(folder))
    assert normalized[0] == ["زياره", "الرييس", "الى", "دمشق"]  # a final alef maqsura is kept (cluster_form)
    assert ["قال", "الوزير", "نعم"] in normalized  # punctuation dropped, sentences split at . and line breaks
    assert ["سطر", "ثان", "هنا"] in normalized and ["خبر", "ثالث", "عن", "بيروت"] in normalized
    assert ["واضاف", "ان", "الزياره", "مهمه"] in normalized  # hamza folded, shadda dropped


def test_cluster_form_keeps_on_and_ali_apart():
    assert normalize_arabic("على") == normalize_arabic("علي")
    assert cluster_form("على", normalize_arabic("على")) == "على"
    assert cluster_form("عَلَى", normalize_arabic("عَلَى")) == "على"  # marks do not hide it
    assert cluster_form("علي", normalize_arabic("علي")) == "علي"
    assert cluster_form("أحمد", normalize_arabic("أحمد")) == "احمد"
    cache = FeatureCache(Lexicon(clusters={"على": "111", "علي": "fff", "مصطفى": "abc"}, neighbours={"علي": "PERS|hi"}))
    assert "c12=111" in cache.get("على")[0] and "c12=fff" in cache.get("علي")[0]
    assert "kn=PERS|hi" in cache.get("علي")[0] and not any(f.startswith("kn=") for f in cache.get("على")[0])
    assert "c12=abc" in cache.get("ومصطفى")[0]  # the stem keeps its alef maqsura too
    assert label_counts([(["على", "علي"], ["O", "B-PERS"])]) == {"على": {"O": 1}, "علي": {"PERS": 1}}


def test_news_reader_names_an_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl.gz news files"):
        next(news_sentences(tmp_path / "empty"))


def test_cluster_tree_is_seeded_and_separates_distant_groups():
    rng = np.random.default_rng(0)
    centres = np.eye(8)[:2]
    vec = np.vstack([centres[i] + 0.05 * rng.standard_normal((40, 8)) for i in (0, 1)])
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    paths = cluster_tree(vec)
    assert paths == cluster_tree(vec)
    assert all(len(p) == 3 and all(c in "0123456789abcdef" for c in p) for p in paths)
    first, second = {p[0] for p in paths[:40]}, {p[0] for p in paths[40:]}
    assert not first & second  # the two groups never share a top-level cluster


def test_nearest_neighbours_leave_the_word_out(tmp_path):
    words = ["a", "b", "c", "d"]
    vec = np.array([[1, 0], [0.99, 0.14], [0, 1], [0.14, 0.99]], dtype=np.float32)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True)
    np.savez(tmp_path / "v.npz", words=np.array(words), vectors=vec)
    got, idx, sim = nearest(tmp_path / "v.npz", k=1)
    assert got == words
    assert [words[i] for i in idx[:, 0]] == ["b", "a", "d", "c"]
    assert np.all(sim[:, 0] > 0.9)


def test_neighbour_types_vote_by_what_the_labelled_text_said():
    counts = label_counts([
        (["شركة", "نوكيا", "و", "سامسونج"], ["O", "B-ORG", "O", "B-ORG"]),
        (["في", "دمشق"], ["O", "B-LOC"]),
    ])
    assert counts["نوكيا"] == {"ORG": 1} and counts["في"] == {"O": 1}
    words = ["موتورولا", "نوكيا", "سامسونج", "حلب", "دمشق", "في"]
    idx = np.array([[1, 2], [2, 0], [1, 0], [4, 5], [3, 5], [4, 3]])
    sim = np.array([[0.9, 0.8], [0.9, 0.9], [0.9, 0.9], [0.8, 0.7], [0.8, 0.5], [0.2, 0.1]])
    types = neighbour_types((words, idx, sim), counts)
    assert types["موتورولا"] == "ORG|hi"
    assert types["حلب"] == "LOC|mid"  # دمشق (LOC, 0.8) against في (O, 0.7)
    assert "في" not in types  # its neighbours' evidence (0.2 of a LOC, 0.1 unseen) is too thin


def test_lexicon_round_trip_keeps_clusters_and_neighbour_types(tmp_path):
    lex = Lexicon(clusters={"دمشق": "a3f"}, neighbours={"حلب": "LOC|hi"})
    write_lexicon(lex, tmp_path / "lex.tsv.gz")
    back = read_lexicon(tmp_path / "lex.tsv.gz")
    assert (back.clusters, back.neighbours) == (lex.clusters, lex.neighbours)
    write_clusters({"دمشق": "a3f", "حلب": "a30"}, tmp_path / "c.tsv.gz")
    assert read_clusters(tmp_path / "c.tsv.gz") == {"دمشق": "a3f", "حلب": "a30"}
    assert read_clusters(tmp_path / "missing.tsv.gz") == {}


def test_cluster_and_neighbour_features_reach_the_tagger():
    lex = Lexicon(clusters={"دمشق": "a3f"}, neighbours={"حلب": "LOC|hi"})
    feats = sentence_features(["في", "بدمشق", "وحلب"], FeatureCache(lex))
    assert {"c4=a", "c8=a3", "c12=a3f"} <= set(feats[1])  # looked up by the stem: بدمشق → دمشق
    assert "-1:c8=a3" in feats[2] and "kn=LOC|hi" in feats[2]


def test_training_with_news_features_names_the_missing_tables(tmp_path, monkeypatch):
    from tasks.enrich.ner import train

    monkeypatch.setattr(train, "CLUSTERS_FILE", tmp_path / "none.tsv.gz")
    monkeypatch.setattr(train, "VECTORS_FILE", tmp_path / "none.npz")
    train.news_clusters.cache_clear()
    train.news_neighbours.cache_clear()
    with pytest.raises(SystemExit, match="none.tsv.gz is missing: build it with"):
        train.news_clusters()
    with pytest.raises(SystemExit, match="none.npz is missing: build it with"):
        train.news_neighbours()
