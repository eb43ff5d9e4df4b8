-- 009_load_replace: a load that gives stored arm results new values updates
-- them in place. PostgreSQL updates a row without touching any index (a
-- heap-only tuple) when no indexed column changes and the row's page has
-- room for the new version; every update sets load_id, so its index made
-- each one write a new entry into all three indexes of the table, most of
-- the cost of replacing a file. The load_id index is dropped: nothing reads
-- results by their load but the removal of what a replacing source no
-- longer brings (a scan of the table, once per such load) and the deletion
-- of a loads row (never done by meta). Pages are filled to half, so that
-- every row of a page can take its new version beside the old one; the
-- space of the old versions is reused by the next replacement.
DROP INDEX continuous_results_load_idx;
DROP INDEX binary_results_load_idx;
ALTER TABLE continuous_results SET (fillfactor = 50);
ALTER TABLE binary_results SET (fillfactor = 50);
