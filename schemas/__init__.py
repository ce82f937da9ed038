"""Warehouse DDL (numbered SQL migrations) and the record types passed between stages."""
