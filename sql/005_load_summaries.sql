-- 005_load_summaries: what each load found, kept with it, so that a file
-- loaded again can be seen to change nothing without reading its rows.
-- changed: whether the load changed the registry (stored a new row,
-- replaced or removed one, gave a stored arm new attributes); NULL for the
-- loads before this migration, which count as having changed it.
-- estimates, trials, outcomes: the file's estimate rows and its distinct
-- trials and outcomes, as the load reported them; set for CSV files only.
ALTER TABLE loads
    ADD COLUMN changed boolean,
    ADD COLUMN estimates bigint CHECK (estimates >= 0),
    ADD COLUMN trials bigint CHECK (trials >= 0),
    ADD COLUMN outcomes bigint CHECK (outcomes >= 0);
CREATE INDEX loads_sha256_idx ON loads (sha256);
