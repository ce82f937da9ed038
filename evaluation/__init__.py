"""Scores of the pipeline against gold sets (`akhbar eval`): not a stage, no run calls it."""
