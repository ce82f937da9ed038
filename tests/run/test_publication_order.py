"""A folder backfill is read oldest first by its manifest's dates (tasks.run.pipeline.in_publication_order)."""
from __future__ import annotations

from schemas.records import InputRef
from tasks.acquire.load import FolderListing
from tasks.run.pipeline import in_publication_order


def _listing(manifest: dict[str, dict]) -> FolderListing:
    names = ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt"]
    return FolderListing([InputRef(source="s", path=f"/in/{n}", relpath=n) for n in names], manifest)


def test_dated_inputs_come_oldest_first_then_the_undated_in_listing_order():
    listing = _listing({
        "a.txt": {"published": "2018-06-03"},
        "b.txt": {"title": "no date"},
        "c.txt": {"published": "2018-06-01T22:00:00+02:00"},  # 20:00 UTC, before d's midnight
        "d.txt": {"published": "2018-06-02"},
        "e.txt": {"published": "not a date"},
        "f.txt": {"published": 20180601},  # not a string: no date to order by, and no failure
    })
    ordered = in_publication_order(listing)
    assert [ref.relpath for ref in ordered.inputs] == ["c.txt", "d.txt", "a.txt", "b.txt", "e.txt", "f.txt"]
    assert ordered.manifest is listing.manifest and [r.relpath for r in listing.inputs][0] == "a.txt"


def test_equal_dates_keep_listing_order_and_no_manifest_keeps_the_listing():
    same = _listing({n: {"published": "2018-06-01"} for n in ("f.txt", "b.txt", "d.txt")})
    assert [ref.relpath for ref in in_publication_order(same).inputs] == ["b.txt", "d.txt", "f.txt", "a.txt", "c.txt", "e.txt"]
    bare = _listing({})
    assert in_publication_order(bare).inputs == bare.inputs
