"""Pipeline stages as plain functions over batches of records; Prefect stays at the edge (flows/)."""
