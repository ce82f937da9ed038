"""Extract: documents to articles (trafilatura for HTML, the text path for plain text), page furniture and repeats cleaned."""
