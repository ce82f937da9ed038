"""Two of trafilatura 2.3.1's functions restated for speed, behind one function (`page.read_page`); see there."""
