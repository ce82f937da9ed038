"""The fast paths of name propagation find what the regular expression of every name finds: `present_names` (only
the names whose words an article holds go into its expression), on a batch of real news whose names are all
looked for in every article, and on the clitic and case forms the expression knows; `find_names` (the names looked
for without compiling the expression), on the same news and on texts made of names, clitics and their parts."""
from __future__ import annotations

import pickle
import random
from datetime import date

from tasks.enrich.facts import facts_of
from tasks.enrich.name_propagation import (
    NameIndex,
    _article_words,
    _forms,
    find_names,
    name_pattern,
    person_names,
    present_names,
    propagate,
    text_words,
)
from tasks.text.normalize import fold_keeping_offsets
from tests.enrich.test_corpus_invariants import NEWS, _articles
from tests.support.paths import need_shared


def _spans(pattern, folded: str) -> list[tuple]:
    return [(m.span(), m.group("name"), m.groupdict().get("elided")) for m in pattern.finditer(folded)]


def _found(pattern, folded: str) -> list[tuple]:
    return [(group, m.start(group), m.end(group), m.start()) for m in pattern.finditer(folded)
            for group in ("name" if m.group("name") else "elided",)]


def _longest_first(names) -> tuple[str, ...]:
    return tuple(sorted(names, key=len, reverse=True))


def test_the_names_an_article_may_hold_find_what_all_the_batch_names_find():
    need_shared(NEWS)
    texts = _articles(every=40, limit=150)
    mentions = [facts_of(text, date(2018, 5, 1)).mentions for text in texts]
    forms = {}
    for found in mentions:
        for name, kind in _forms(found).items():
            forms.setdefault(name, kind)
    for name in person_names([m for found in mentions for m in found]):
        forms.setdefault(name, "PER")
    assert len(forms) > 1000  # a batch's worth of names
    everything = name_pattern(_longest_first(forms))
    matched = kept = 0
    for text in texts:
        folded, _ = fold_keeping_offsets(text)
        present = present_names(forms, folded)
        kept += len(present)
        expected = _spans(everything, folded)
        assert _spans(name_pattern(_longest_first(present)), folded) == expected
        assert find_names(folded, _longest_first(present)) == _found(name_pattern(_longest_first(present)), folded)
        matched += len(expected)
    assert matched > 500
    assert kept / len(texts) < len(forms) / 20  # an article's expression holds a few names of the batch


def test_present_names_keeps_clitic_elided_and_latin_forms():
    forms = {"الاسد": "PER", "الامم المتحده": "ORG", "باقري": "PER", "reuters": "ORG", "ظريف": "PER"}
    folded, _ = fold_keeping_offsets("وقال للأسد وللأمم المتحدة إن وبباقري نقلت Reuters")
    assert sorted(present_names(forms, folded)) == ["reuters", "الاسد", "الامم المتحده", "باقري"]
    assert _spans(name_pattern(_longest_first(present_names(forms, folded))), folded) == \
        _spans(name_pattern(_longest_first(forms)), folded)


def test_names_found_without_the_expression_are_those_it_finds():
    rng = random.Random(5)
    forms = ["الاسد", "اسد", "لاسد", "الامم المتحده", "الامم", "باقري", "محمد باقري", "ال", "لل", "سد", "محمد", "الحسن",
             "حسن", "بلال", "الل", "وليد", "فارس", "وباقري", "reuters"]
    clitics = ["", "و", "ف", "ب", "ل", "ك", "وب", "فل", "ول", "ولل", "لل", "فبل", "x", "_", "1"]
    matched = 0
    for _ in range(3000):
        names = _longest_first(set(rng.sample(forms, rng.randint(1, 7))))
        text = "".join(rng.choice(clitics) + rng.choice(forms + ["كتب", "ه", "REUTERS"]) + rng.choice(" ،.\n1ـ")
                       for _ in range(rng.randint(1, 10)))
        expected = _found(name_pattern(names), text)
        assert find_names(text, names) == expected, (text, names)
        matched += len(expected)
    assert matched > 1000


def test_propagation_finds_a_known_person_among_thousands():
    known = {f"اسم{i} عائلة{i}" for i in range(5000)} | {"محمد باقري"}
    text = "التقى الرئيس محمد باقري في دمشق، وقال لمحمد باقري إن الزيارة مهمة."
    found = propagate(text, [], known)
    assert [(m.surface, m.type) for m in found] == [("محمد باقري", "PER"), ("محمد باقري", "PER")]


def test_known_persons_looked_up_by_the_words_of_the_text_are_those_the_words_allow():
    known = frozenset({"محمد باقري", "الاسد", "ايمن الصفدي", "الصفدي", "عادل الجبير"})
    folded, _ = fold_keeping_offsets("وقال للأسد إن الصفدي التقى محمد باقري")
    assert sorted(NameIndex(known).present(*_article_words(folded))) == sorted(present_names(known, folded)) == [
        "الاسد", "الصفدي", "محمد باقري"]


def test_the_name_index_allows_the_names_the_words_allow_and_grows():
    # many names share a first name (the index looks them up by their second word), some have one word,
    # some four; the texts are made of their words, with proclitics, in any order
    rng = random.Random(7)
    firsts = ["محمد", "علي", "الصفدي", "عبد"]
    others = [f"كلمة{i}" for i in range(40)]
    names = {rng.choice(firsts) for _ in range(3)}
    names |= {" ".join([rng.choice(firsts)] + rng.sample(others, rng.randint(1, 3))) for _ in range(400)}
    index = NameIndex(sorted(names)[:200])
    index.add(sorted(names)[200:])
    index.add(sorted(names)[:10])  # again: no change
    assert len(index) == len(names)
    for _ in range(200):
        words = rng.sample(firsts + others, rng.randint(1, 30))
        folded = " ".join(rng.choice(["", "و", "لل", "ب"]) + w for w in words)
        allowed = _article_words(folded)
        assert sorted(index.present(*allowed)) == sorted(present_names(names, folded))


def test_text_words_travel_between_processes_unchanged():
    words = text_words("وقال للأسد إن الصفدي التقى محمد باقري")
    assert pickle.loads(pickle.dumps(words)) == words
    assert "الاسد" in words.firsts and "للاسد" in words.words
