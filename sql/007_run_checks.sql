-- The checks on the two SHA-256 digests of a recorded run, cheaper: the
-- regular expression '^[0-9a-f]{64}$' (a bounded repetition, which the
-- server's matcher expands) was about 40 % of the server's work for each
-- recorded run, and `meta run` records thousands at a time. The same
-- test, as a length and the characters allowed.
ALTER TABLE analysis_runs
    DROP CONSTRAINT analysis_runs_file_sha256_check,
    ADD CONSTRAINT analysis_runs_file_sha256_check
        CHECK (length(file_sha256) = 64 AND file_sha256 !~ '[^0-9a-f]'),
    DROP CONSTRAINT analysis_runs_fingerprint_check,
    ADD CONSTRAINT analysis_runs_fingerprint_check
        CHECK (length(fingerprint) = 64 AND fingerprint !~ '[^0-9a-f]');
