"""Arabic NER: tokens and offsets, clitic-aware spans, roles, entity-level scoring, the CLI, and a score
floor of the committed model on hand-written sentences it has never seen (tests/enrich/ner/fixtures/ner_unseen.txt)."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from akhbar.cli import main
from evaluation.ner import NerInputError, eval_ner
from tasks.enrich.ner.data import clean_tag, parse_line, read_tagged, score, spans
from tasks.enrich.ner.features import FeatureCache, sentence_features, sentences, tokenize
from tasks.enrich.ner.lexicon import lexicon
from tasks.enrich.ner.tagger import Mention, proclitics, recognise
from tasks.enrich.roles import roles
from tasks.text.normalize import normalize_arabic

UNSEEN = Path(__file__).parent / "fixtures" / "ner_unseen.txt"


def test_tokens_carry_exact_offsets_and_split_punctuation():
    text = "قالَ وزيرُ الدفاع، في (بيروت): «الوضع مستقر» بنسبة 3.5% يوم ١٢ تشرين."
    tokens = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in tokens)
    words = [t.text for t in tokens]
    assert words[:4] == ["قالَ", "وزيرُ", "الدفاع", "،"]  # diacritics stay inside the word
    assert ["(", "بيروت", ")", ":", "«"] == words[5:10]
    assert "3.5" in words and "%" in words and "١٢" in words
    assert [len(s) for s in sentences(text + "\nسطر ثان", tokenize(text + "\nسطر ثان"))] == [len(tokens), 2]


def test_mentions_round_trip_offsets_on_arabic_text():
    text = ("أعلنت وزارة الخارجية المصرية أن الوزير كمال عبدالفتاح سيزور بيروت يوم الأحد.\n"
            "وقال المتحدث باسم حلف الناتو في بروكسل إن الاجتماع تأجل.")
    found = recognise(text)
    assert found, "the model found nothing"
    for m in found:
        assert text[m.start:m.end] == m.surface
        assert m.type in {"PER", "ORG", "LOC", "MISC"}
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert ("بيروت", "LOC") in {(m.surface, m.type) for m in found}


@pytest.mark.parametrize("word, skip, elided", [
    ("وباقري", 1, False),   # unknown name after the conjunction
    ("بدمشق", 1, False),    # ب + a known place
    ("للأسد", 1, True),     # ل + (ا)لأسد: the span keeps the article's lam
    ("والقاهرة", 1, False),  # و + the article
    ("بالعراق", 1, False),
    ("بغداد", 0, False),    # the ب belongs to the name
    ("لبنان", 0, False),
    ("وليد", 0, False),     # a known name that starts with و
    ("فريد", 0, False),     # ف + ريد is the rarer reading
    ("وليبيا", 1, False),   # both in the name lists once: ليبيا is the commoner word
    ("بيونغ", 0, False),    # the same counts, but ب is the name's own letter more often than a clitic
    ("لوكالة", 1, False),   # ... and ل, "to", before a common noun
    ("فنسنت", 0, False),    # unknown to the name lists, known to wordfreq whole only (no نسنت)
    ("فلاديمير", 0, False),
    ("وكونريكوس", 1, False),  # unknown to both: the conjunction
])
def test_proclitics_are_cut_from_the_span_start(word, skip, elided):
    assert proclitics(word) == (skip, elided)


def test_recognised_spans_drop_proclitics():
    text = "وصل الوفد إلى بدمشق أمس، وقال وزير الداخلية للصحفيين في بغداد إن الأمن مستتب."
    found = {m.surface: m for m in recognise(text)}
    assert "دمشق" in found and "بدمشق" not in found
    assert "بغداد" in found


def _people(text: str, *names: str) -> list[Mention]:
    """Hand-made PER mentions, so that role tests do not depend on the tagger."""
    return [Mention(text.index(n), text.index(n) + len(n), n, "PER", n) for n in names]


def test_roles_from_title_chains_and_appositions():
    text = ("استقبل رئيس أركان القوات البحرية الكينية الأدميرال جوزيف موانغي وفدا، "
            "ثم التقى الرئيس التنزاني سامية حسن. وقال فريد مالكي، وزير الزراعة، إن المحصول وفير.")
    got = {r.person.surface: r for r in roles(text, _people(text, "جوزيف موانغي", "سامية حسن", "فريد مالكي"))}
    assert got["جوزيف موانغي"].role == "رئيس أركان القوات البحرية الكينية"
    assert got["جوزيف موانغي"].rank == "الأدميرال"
    r = got["جوزيف موانغي"]
    assert text[r.start:r.end] == r.role
    assert got["سامية حسن"].role == "الرئيس التنزاني"
    assert got["فريد مالكي"].role == "وزير الزراعة"


def test_role_chain_stops_at_a_second_title_and_at_verbs():
    text = "استقبل وزير الصحة الرئيس الغاني كوفي منساه. وأضاف أن مارك تالبوت يزور البلاد."
    got = {r.person.surface: r.role for r in roles(text, _people(text, "كوفي منساه", "مارك تالبوت"))}
    assert got.get("كوفي منساه") == "الرئيس الغاني"
    assert got.get("مارك تالبوت") is None


def test_rank_alone_is_a_role():
    text = "وصل العميد ناصر الكعبي إلى المدينة."
    (r,) = roles(text, _people(text, "ناصر الكعبي"))
    assert r.role == "العميد" and r.rank == "العميد"


def test_office_after_the_name_beats_a_bare_rank():
    text = ("وصل اللواء سامر خليل منصور رئيس هيئة الأركان العامة للجيش والقوات المسلحة الكينية "
            "إلى المدينة. ثم استقبل العماد فراس ديب، قائد القوات البحرية، الوفد.")
    got = {r.person.surface: r for r in roles(text, _people(text, "سامر خليل منصور", "فراس ديب"))}
    r = got["سامر خليل منصور"]
    assert (r.role, r.rank) == ("رئيس هيئة الأركان العامة للجيش والقوات المسلحة الكينية", "اللواء")
    assert text[r.start:r.end] == r.role
    assert (got["فراس ديب"].role, got["فراس ديب"].rank) == ("قائد القوات البحرية", "العماد")


def test_malformed_tags_are_repaired():
    assert [clean_tag(t) for t in ("o", "B-ERS", "IPERS", "", "B-PERs", "B-ORF", "b-misc", "B-LOCI-PERS", "I-PER")] == [
        "O", "B-PERS", "I-PERS", "O", "B-PERS", "B-ORG", "B-MISC", "B-PERS", "I-PERS"]
    assert parse_line("B-PERS فيرسلاين \n") == [("فيرسلاين", "B-PERS")]
    assert parse_line(".O\n") == [(".", "O")]
    assert parse_line(". Oالإصابة O\n") == [(".", "O"), ("الإصابة", "O")]
    assert parse_line("\u200f O\n") == []


def test_spans_follow_conll_chunking():
    assert spans(["B-PERS", "I-PERS", "O", "I-LOC", "B-LOC", "I-ORG", "I-ORG"]) == [
        (0, 2, "PERS"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 7, "ORG")]


def test_score_on_a_hand_made_file(tmp_path):
    gold_file = tmp_path / "gold.txt"
    gold_file.write_text(
        "زار O\nمحمد B-PER\nعلي I-PER\nبيروت B-LOC\n. O\n\n"
        "وقالت O\nوكالة B-ORG\nرويترز I-ORG\nإن o\nالدولار B-MISC\n. O\n", encoding="utf-8")
    gold = [tags for _, tags in read_tagged(gold_file)]
    assert gold == [["O", "B-PERS", "I-PERS", "B-LOC", "O"], ["O", "B-ORG", "I-ORG", "O", "B-MISC", "O"]]
    pred = [["O", "B-PERS", "O", "B-LOC", "O"],            # PERS span too short, LOC right
            ["O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]]    # ORG right, MISC typed as LOC
    result = score(gold, pred)
    assert (result["n_gold"], result["n_pred"]) == (4, 4)
    assert result["micro"]["precision"] == pytest.approx(2 / 4)
    assert result["micro"]["recall"] == pytest.approx(2 / 4)
    assert result["micro"]["f1"] == pytest.approx(0.5)
    assert result["per_type"]["LOC"]["precision"] == pytest.approx(1 / 2)
    assert result["per_type"]["LOC"]["recall"] == pytest.approx(1.0)
    assert result["per_type"]["PERS"]["f1"] == 0.0
    assert result["per_type"]["ORG"]["f1"] == pytest.approx(1.0)


def test_eval_tags_the_files_tokens_as_given(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("زار O\nبدمشق B-LOC\n. O\n", encoding="utf-8")
    result = eval_ner(path)
    assert result["n_gold"] == 1  # بدمشق stays one token: scored against the whole token
    assert set(result) == {"micro", "per_type", "n_gold", "n_pred"}
    with pytest.raises(NerInputError):
        eval_ner(tmp_path / "missing.txt")


def test_unseen_sentences_score_above_floor(capsys):
    assert main(["eval", "ner", str(UNSEEN), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_gold"] == 36
    assert result["micro"]["f1"] >= 0.80, result["micro"]
    assert result["per_type"]["PERS"]["f1"] >= 0.80
    assert result["per_type"]["LOC"]["f1"] >= 0.85


def test_cli_reports_unreadable_files(tmp_path, capsys):
    assert main(["eval", "ner", str(tmp_path / "nope.txt"), "--json"]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_roles_of_recognised_people():
    text = "وقال وزير النقل الأردني خالد المومني إن الطريق سيفتح."
    got = {r.person.surface: r.role for r in roles(text)}
    assert got.get("خالد المومني") == "وزير النقل الأردني"


def test_role_through_prepositional_definites_and_a_rank():
    text = "والتقى المدير العام لشركة الكهرباء المهندس وليد حداد بالعمال."
    (r,) = roles(text, _people(text, "وليد حداد"))
    assert (r.role, r.rank) == ("المدير العام لشركة الكهرباء", "المهندس")
    text = "وكان في استقباله مدير المكتب الإعلامي في وزارة الزراعة الأوغندية كيزا موسيسي."
    (r,) = roles(text, _people(text, "كيزا موسيسي"))
    assert r.role == "مدير المكتب الإعلامي في وزارة الزراعة الأوغندية"


def test_features_are_cached_per_word_type():
    cache = FeatureCache(lexicon())
    first = sentence_features(["زار", "الرئيس", "دمشق"], cache)
    assert "tr=TITLE" in first[1] and "-1:tr=TITLE" in first[2]
    assert "g=LOC" in first[2]
    assert cache.get("دمشق") is cache.get("دمشق")


def test_the_features_kept_are_those_with_weights_in_the_same_order():
    from tasks.enrich.ner.lexicon import model_attributes
    from tasks.enrich.ner.tagger import ATTRIBUTES_PATH

    keep = model_attributes(ATTRIBUTES_PATH)
    every, kept = FeatureCache(lexicon()), FeatureCache(lexicon(), keep)
    words = tokenize("وقال وزير الخارجية الإيراني محمد جواد ظريف للصحفيين في طهران إن بلاده ستواصل المحادثات "
                     "مع الاتحاد الأوروبي، بحسب وكالة الأنباء الإيرانية (إرنا) يوم الأحد 12 آذار 2018.")
    assert len(words) > 20
    for word in (t.text for t in words):
        full, some = every.get(word), kept.get(word)
        assert some[:5] == tuple([f for f in fs if f in keep] for fs in full[:5]) and some[5:] == full[5:]
        assert some[0] and any(some[1:5])  # features kept, and seen from the neighbours


def test_names_found_in_a_document_propagate_to_untagged_recurrences():
    from tasks.enrich.ner.document import propagate

    norms = [["قال", "زوران", "ميلوفيتش", "ان", "بنك", "التعمير", "الشرقي", "مستعد"],
             ["واضاف", "ميلوفيتش", "ان", "التعمير", "الشرقي", "سيقرض", "لميلوفيتش", "ما", "يريد"]]
    tags = [["O", "B-PERS", "I-PERS", "O", "B-ORG", "I-ORG", "I-ORG", "O"], ["O"] * 9]
    # one-word names only from one-word entities; the multi-word name is matched whole, not in part
    tags[0][1:3] = ["B-PERS", "B-PERS"]
    got = propagate(norms, tags)
    assert got[0] == tags[0]
    assert got[1] == ["O", "B-PERS", "O", "O", "O", "O", "B-PERS", "O", "O"]
    norms[1][2:5] = ["بنك", "التعمير", "الشرقي"]
    got = propagate(norms, tags)
    assert got[1][2:5] == ["B-ORG", "I-ORG", "I-ORG"]
    assert propagate(norms, tags, window=0)[1] == ["O"] * 9


def test_frequency_features_tell_names_from_common_words():
    from tasks.enrich.ner.lexicon import Lexicon

    lex = Lexicon(zipf={"الكتاب": 5.0, "كتاب": 5.2, "كتابات": 4.1, "القرضاوي": 3.4, "دمشق": 5.0, "بدمشق": 3.9,
                        "برشلونه": 4.8})
    cache = FeatureCache(lex)

    def freq(word):
        return [f for f in cache.get(word)[0] if f.startswith(("zf=", "zc=", "za=", "zi="))]

    assert freq("الكتاب") == ["zf=5", "zc=5", "za=d0", "zi=-1"]  # with and without the article, inflected
    assert freq("القرضاوي") == ["zf=3", "zc=3", "za=d-2", "zi=-2"]  # never without the article, no plural
    assert freq("بدمشق") == ["zf=3", "zc=5", "za=i-3", "zi=-3"]  # the core is دمشق: never with the article
    assert freq("برشلونة")[:2] == ["zf=4", "zc=4"]  # ب is not a proclitic here: رشلونه is unknown
    assert freq("2006") == []


def test_external_names_are_features_and_merge_their_types():
    from tasks.enrich.ner.lexicon import Lexicon
    from tasks.enrich.ner.resources import merge_gazetteers

    merged = merge_gazetteers([{"فلاديمير": "LOC", "بوركينا فاسو": "LOC"}, {"فلاديمير": "PERS"}])
    assert merged == {"فلاديمير": "LOC+PERS", "بوركينا فاسو": "LOC"}
    lex = Lexicon(external=merged, zipf={"فلاديمير": 4.2})
    feats = sentence_features(["زار", "فلاديمير", "بوركينا", "فاسو"], FeatureCache(lex))
    assert "xg=LOC+PERS" in feats[1] and "-1:xg=LOC+PERS" in feats[2]
    assert "mx=B-LOC" in feats[2] and "mx=I-LOC" in feats[3]
    # a name that is also a frequent word is marked apart (زار: Zar, and "visited")
    lex = Lexicon(external={"زار": "PERS", "باقري": "PERS"}, zipf={"زار": 4.5, "باقري": 2.4})
    cache = FeatureCache(lex)
    assert "xg=PERS~" in cache.get("وزار")[0] and "xg=PERS" in cache.get("باقري")[0]


def test_lexicon_round_trip_keeps_external_names_and_frequencies(tmp_path):
    from tasks.enrich.ner.lexicon import Lexicon, read_lexicon, write_lexicon

    lex = Lexicon(gazetteer={"دمشق": "LOC"}, external={"فلاديمير": "LOC+PERS"}, zipf={"الكتاب": 5.0})
    write_lexicon(lex, tmp_path / "lex.tsv.gz")
    back = read_lexicon(tmp_path / "lex.tsv.gz")
    assert (back.gazetteer, back.external, back.zipf) == (lex.gazetteer, lex.external, lex.zipf)


def test_particles_and_bare_titles_do_not_begin_a_person():
    from tasks.enrich.ner.document import repair

    words = ["وبحسب", "الإعلام", "فإنّ", "باقري", "تفقد"]
    norms = [normalize_arabic(w) for w in words]
    assert repair(words, norms, ["O", "O", "B-PERS", "I-PERS", "O"]) == ["O", "O", "O", "B-PERS", "O"]
    words = ["وأكد", "أمين", "مجلس", "الأمن"]
    norms = [normalize_arabic(w) for w in words]
    assert repair(words, norms, ["O", "B-PERS", "B-ORG", "I-ORG"]) == ["O", "O", "B-ORG", "I-ORG"]
    # a name that is also a title word stays when it is part of a longer name
    assert repair(words, norms, ["O", "B-PERS", "I-PERS", "O"]) == ["O", "B-PERS", "I-PERS", "O"]


def test_a_title_inside_a_person_ends_the_name():
    from tasks.enrich.ner.document import repair

    words = ["عبد", "الفتاح", "السيسي", "الوزير", "الصفدي"]
    norms = [normalize_arabic(w) for w in words]
    tags = ["B-PERS", "I-PERS", "I-PERS", "I-PERS", "I-PERS"]
    near = {"الوزير": "O|hi", "امين": "PERS|hi"}
    assert repair(words, norms, tags, near) == ["B-PERS", "I-PERS", "I-PERS", "O", "B-PERS"]
    assert repair(words, norms, tags) == tags  # without the news vectors' word types: left alone
    # a title that is also a given name in the vectors (محمد أمين) stays inside the name
    words = ["محمد", "أمين", "الصفدي"]
    norms = [normalize_arabic(w) for w in words]
    assert repair(words, norms, ["B-PERS", "I-PERS", "I-PERS"], near) == ["B-PERS", "I-PERS", "I-PERS"]


def test_a_person_after_a_person_with_a_preposition_is_split_off():
    from tasks.enrich.ner.document import propagate

    norms = [["قال", "اللواء", "باقري", "ان"], ["وقال", "الاسد", "لباقري", "ان"]]
    tags = [["O", "O", "B-PERS", "O"], ["O", "B-PERS", "I-PERS", "O"]]
    assert propagate(norms, tags)[1] == ["O", "B-PERS", "B-PERS", "O"]
    tags[0][2] = "O"  # لباقري stays inside the name when باقري is no name in the document
    assert propagate(norms, tags)[1] == ["O", "B-PERS", "I-PERS", "O"]


def test_word_identity_ignores_diacritics():
    cache = FeatureCache(lexicon())
    assert "w=فإن" in cache.get("فإنّ")[0] and "w=تقريرا" in cache.get("تقريراً")[0]


def test_mentions_cross_between_processes_unchanged():
    found = recognise("وقال الرئيس بشار الأسد للأسد في دمشق")
    assert found and pickle.loads(pickle.dumps(found)) == found
    assert all(type(m) is Mention for m in pickle.loads(pickle.dumps(found)))
