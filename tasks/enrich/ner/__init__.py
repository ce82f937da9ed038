"""The Arabic entity recogniser: features, the CRF tagger, its lexicons and how they are trained."""
