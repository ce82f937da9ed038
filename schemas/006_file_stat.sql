-- 006: the size and modification time of a file when it was read (NULL for fetched pages), so that a
-- rerun recognises an unchanged file by its stat, as make and rsync do, without reading and hashing it.

ALTER TABLE documents ADD COLUMN file_size BIGINT;
ALTER TABLE documents ADD COLUMN file_mtime_ns BIGINT;
