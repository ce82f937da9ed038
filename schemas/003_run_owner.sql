-- 003: which process runs a flow, so that a run killed mid-way (SIGKILL, a crashed worker) is marked
-- `abandoned` by the next run on that host instead of staying `running` forever.
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN pid INTEGER;
