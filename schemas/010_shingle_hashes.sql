-- 010: each signature's shingles kept whole, as the sorted distinct 32-bit hashes of the text's word
-- 3-grams (tasks/dedup/minhash.py): the exact containment that tells a copy a newsroom re-led, trimmed or
-- reworded from two reports of one happening written apart, which MinHash's estimate (128 values) cannot
-- (docs/dedup.md). NULL for signatures stored before: those articles are linked by MinHash alone.
ALTER TABLE minhash ADD COLUMN shingle_hashes BLOB;
