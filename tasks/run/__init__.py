"""Run: batches through the stages, a worker pool for the CPU stages, one writer per batch."""
