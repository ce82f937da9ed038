"""Entity-level scores of the recogniser on a `token tag` file: exact span and type, CoNLL-2003 style
(micro precision, recall and F1 over all entities, and per type). The file's tokens are tagged as given."""
from __future__ import annotations

from pathlib import Path

from tasks.enrich.ner.data import Sentence, read_tagged, score


class NerInputError(ValueError):
    pass


def eval_sentences(sentences: list[Sentence]) -> dict:
    """Tag the sentences' tokens with the shipped model (in order, as one running text) and score them."""
    from tasks.enrich.ner.tagger import tag_sentences

    return score([tags for _, tags in sentences], tag_sentences([tokens for tokens, _ in sentences]))


def eval_ner(path: str | Path) -> dict:
    """Scores of the shipped model on a `token tag` file (sentences at blank lines and `.` tokens)."""
    try:
        sentences = read_tagged(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise NerInputError(f"cannot read {path}: {exc}") from exc
    if not sentences:
        raise NerInputError(f"{path}: no `token tag` lines")
    return eval_sentences(sentences)
