"""Names the recogniser cuts short, completed as the corpus writes them: the miner's rules on made-up mention
counts, the shipped table, and the widening of mentions in a text."""
from __future__ import annotations

from tasks.enrich.lexicons.completions import COMPLETIONS, _found_in, mine, read_completions, write_completions
from tasks.enrich.name_completion import complete_names
from tasks.enrich.ner.tagger import Mention


def test_a_start_is_completed_by_what_mostly_follows_it_when_the_whole_was_found_as_a_name():
    found = ([(("هارفي",), "PER", ("واينستين",))] * 8 + [(("هارفي",), "PER", ())] * 2
             + [(("هارفي", "واينستين"), "PER", ())] * 3  # found whole: counts as a start of the name too
             + [(("ساره",), "PER", ("ويتسن",))] * 5 + [(("ساره",), "PER", (f"x{i}",)) for i in range(6)]
             + [(("ساره", "ويتسن"), "PER", ())] * 3  # the whole is a name, but سارة is followed by many
             + [(("السوق",), "LOC", ("المركزي",))] * 9  # always followed, never found whole
             + [(("هونغ",), "PER", ("كونغ",))] * 9 + [(("هونغ", "كونغ"), "LOC", ())] * 3 + [(("هونغ", "كونغ"), "PER", ())]
             + [(("نادر",), "PER", ("عصام", "عساف"))] * 6 + [(("نادر", "عصام", "عساف"), "PER", ())] * 2
             + [(("نادر", "عصام"), "PER", ())] * 2)
    rows = {(start, rest): (kind, n, k) for start, rest, kind, n, k in mine(found)}
    assert rows[("هارفي", "واينستين")] == ("PER", 13, 11)
    assert rows[("هونغ", "كونغ")][0] == "LOC"  # the type the whole name was found with most often
    assert rows[("نادر", "عصام عساف")][0] == "PER"  # the longest completion
    assert not any(start in ("ساره", "السوق") for start, _ in rows)


def test_the_table_round_trips_through_its_file(tmp_path):
    path = tmp_path / "completions.txt"
    write_completions([("كيم جونغ", "اون", "PER", 40, 38)], path)
    assert read_completions(path) == {("كيم", "جونغ"): (("اون",), "PER")}


def test_the_shipped_table_completes_names_of_the_news():
    table = read_completions(COMPLETIONS)
    assert table[("كيم", "جونغ")] == (("اون",), "PER")
    assert table[("هارفي",)] == (("واينستين",), "PER")
    assert ("ساره",) not in table


def test_the_miner_reads_the_words_after_a_mention_on_its_line_only():
    found = _found_in(["التقى الرئيس الأمريكي دونالد ترامب رئيس الوزراء الياباني شينزو آبي في طوكيو.\nترامب"])
    assert found and all(len(follow) <= 3 for _, _, follow in found)
    assert not any("ترامب" in follow[1:] for _, _, follow in found)  # the line ends before the last ترامب


def test_a_mention_is_widened_over_its_completion_and_takes_its_type():
    text = "وقال هارفي واينستين إنه بريء، وزار دونالد ترامب هونغ كونغ.\nوقال هارفي\nواينستين"
    found = [Mention(5, 10, "هارفي", "PER", "هارفي"), Mention(35, 41, "دونالد", "LOC", "دونالد"),
             Mention(42, 47, "ترامب", "PER", "ترامب"), Mention(48, 52, "هونغ", "PER", "هونغ"),
             Mention(64, 69, "هارفي", "PER", "هارفي")]
    out = complete_names(text, found)
    assert [(m.surface, m.type) for m in out] == [("هارفي واينستين", "PER"), ("دونالد ترامب", "PER"),
                                                  ("هونغ كونغ", "LOC"), ("هارفي", "PER")]  # a line break ends a name
    assert all(text[m.start:m.end] == m.surface for m in out)


def test_a_mention_crossing_the_end_of_a_completion_keeps_the_name_as_found():
    text = "وصل كيم جونغ أون تشول إلى بكين"
    found = [Mention(4, 12, "كيم جونغ", "PER", "كيم جونغ"), Mention(13, 21, "أون تشول", "PER", "أون تشول")]
    assert complete_names(text, found) == found
