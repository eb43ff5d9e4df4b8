-- 006_load_sequences: `meta load` writes a file of new trials straight into
-- trials and arms under ids it reserves from their identity sequences (it
-- reads where each stands and moves it past the block, with the tables
-- locked against other writers); a role that loads needs to read and move
-- them. Without this a loader's files all take the staging path.
DO $$
BEGIN
    EXECUTE format('GRANT SELECT, UPDATE ON SEQUENCE %s, %s TO meta_loader',
                   pg_get_serial_sequence('trials', 'trial_id'),
                   pg_get_serial_sequence('arms', 'arm_id'));
END
$$;
