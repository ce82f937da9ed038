"""Pages parsed as trafilatura parses them (`trafilatura.utils.load_html`), with elements that cost less
to visit.

lxml.html's parser decides the Python class of every element it hands out (`HtmlElement`, or
`FormElement`, `InputElement`... for form fields) by calling back into Python: about 250 ns for each of
the ~2,000 elements that metadata and extraction visit on an average page. trafilatura never uses the
form classes' extra methods, so this parser gives every element the plain `HtmlElement` class, chosen in
C. Everything else is `load_html` step for step (trafilatura 2.3.1): the same repairs (the scan for
characters XML forbids skipped on a page that has none, `_repair`), the same parser options, the same
fallbacks; `tests/extract/test_html_parse.py` checks that trafilatura extracts the same text and metadata from
either tree. `load_html` and the repair are identified by a fingerprint of their source: on another
trafilatura version, trafilatura's own function is used (and that test fails) until it is checked again.
"""
from __future__ import annotations

import hashlib
import inspect
import logging
from functools import cache

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura import utils as trafilatura_utils
from trafilatura.utils import (
    DOCTYPE_TAG,
    FAULTY_HTML,
    INVALID_XML_CHARS,
    decode_file,
    is_dubious_html,
    load_html,
    repair_faulty_html,
)

LOGGER = logging.getLogger(__name__)
_CHECKED = "38fb04ee621a"  # fingerprint of the trafilatura functions this module restates

# trafilatura.utils.HTML_PARSER's options, with a class lookup done in C.
_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction,
                                    entity=HtmlEntity))


@cache
def fingerprint() -> str:
    """Of `load_html`, `fromstring_bytes`, `repair_faulty_html`, the line that builds trafilatura's parser and
    the expressions the repair uses."""
    parser_line = next(line for line in inspect.getsource(trafilatura_utils).splitlines()
                       if line.startswith("HTML_PARSER ="))
    text = "\n".join((inspect.getsource(load_html), inspect.getsource(trafilatura_utils.fromstring_bytes),
                      inspect.getsource(repair_faulty_html), parser_line,
                      *(x.pattern for x in (DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS))))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# The characters INVALID_XML_CHARS matches (a class of characters of the Basic Multilingual Plane; its text is
# part of the fingerprint). Testing for each with `in` takes a third of the time of the expression's scan
# of a page (0.20 against 0.56 ms on the bench corpus's pages, 170 KB on average), and pages hold none.
_INVALID_XML_CHARS = tuple(dict.fromkeys(INVALID_XML_CHARS.findall("".join(map(chr, range(0x10000))))))


def _repair(text: str, beginning: str) -> str:
    """`repair_faulty_html(text, beginning)`, without the scan that removes characters XML forbids when
    the page has none."""
    if any(char in text for char in _INVALID_XML_CHARS):
        return repair_faulty_html(text, beginning)
    if "doctype" in beginning:
        firstline, _, rest = text.partition("\n")
        text = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in text[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", text, count=1)
    return text


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception as err:
        LOGGER.error("lxml parser bytestring %s", err)
    return None


def parse_html(html: str | bytes, max_size: int | None = None) -> HtmlElement | None:
    """`trafilatura.utils.load_html(html, max_size)` (module docstring): the page's tree, or None when it
    is not HTML."""
    if fingerprint() != _CHECKED:
        return load_html(html, max_size)
    text = decode_file(html, max_size)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = _repair(text, beginning)
    tree, fallback_parse = None, False
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, fallback_parse = _from_bytes(text), True
    except Exception as err:
        LOGGER.error("lxml parsing failed: %s", err)
    if (tree is None or len(tree) < 1) and not fallback_parse:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        LOGGER.error("parsed tree length: %s, wrong data type or not valid HTML", len(tree))
        tree = None
    return tree
