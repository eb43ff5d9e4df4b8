-- 001_schema: the registry of trial outcomes.
-- Trials have arms (each with its treatment and free-form attributes); each arm
-- reports continuous or binary results per outcome and time point; every result
-- row points to the load that brought it. The CHECK constraints mirror the
-- validation rules of INTERFACE.md section 1, so the database itself refuses
-- rows that `meta load` would reject.

CREATE TABLE loads (
    load_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    file_name  text        NOT NULL CHECK (file_name <> ''),
    sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    loaded_at  timestamptz NOT NULL DEFAULT now(),
    row_count  bigint      NOT NULL CHECK (row_count >= 0)
);

CREATE TABLE trials (
    trial_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name     text NOT NULL UNIQUE CHECK (name <> '')
);

CREATE TABLE arms (
    arm_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trial_id   bigint NOT NULL REFERENCES trials ON DELETE CASCADE,
    label      text   NOT NULL CHECK (label <> ''),
    treatment  text   NOT NULL CHECK (treatment <> ''),
    attributes jsonb  NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    UNIQUE (trial_id, label)
);
CREATE INDEX arms_treatment_idx ON arms (treatment);

CREATE TABLE outcomes (
    outcome_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    kind       text NOT NULL CHECK (kind IN ('continuous', 'binary')),
    UNIQUE (outcome_id, kind)
);

-- The kind column is fixed per table; with the composite foreign key it makes
-- an outcome continuous or binary everywhere in the registry.
CREATE TABLE continuous_results (
    arm_id     bigint NOT NULL REFERENCES arms ON DELETE CASCADE,
    outcome_id bigint NOT NULL,
    kind       text   NOT NULL DEFAULT 'continuous' CHECK (kind = 'continuous'),
    timepoint  text   NOT NULL DEFAULT '',
    n          integer NOT NULL CHECK (n > 0),
    mean       double precision NOT NULL
               CHECK (mean > '-Infinity'::float8 AND mean < 'Infinity'::float8),
    sd         double precision NOT NULL CHECK (sd > 0 AND sd < 'Infinity'::float8),
    load_id    bigint NOT NULL REFERENCES loads,
    PRIMARY KEY (outcome_id, timepoint, arm_id),
    FOREIGN KEY (outcome_id, kind) REFERENCES outcomes (outcome_id, kind)
);

CREATE TABLE binary_results (
    arm_id     bigint NOT NULL REFERENCES arms ON DELETE CASCADE,
    outcome_id bigint NOT NULL,
    kind       text   NOT NULL DEFAULT 'binary' CHECK (kind = 'binary'),
    timepoint  text   NOT NULL DEFAULT '',
    events     integer NOT NULL CHECK (events >= 0),
    total      integer NOT NULL CHECK (total > 0),
    load_id    bigint NOT NULL REFERENCES loads,
    CHECK (events <= total),
    PRIMARY KEY (outcome_id, timepoint, arm_id),
    FOREIGN KEY (outcome_id, kind) REFERENCES outcomes (outcome_id, kind)
);

CREATE INDEX continuous_results_arm_idx ON continuous_results (arm_id);
CREATE INDEX binary_results_arm_idx ON binary_results (arm_id);
CREATE INDEX continuous_results_load_idx ON continuous_results (load_id);
CREATE INDEX binary_results_load_idx ON binary_results (load_id);

-- Two roles: one that may load, one that may only read. They are NOLOGIN
-- groups: grant them to the login roles of a shared server.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meta_reader') THEN
        CREATE ROLE meta_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'meta_loader') THEN
        CREATE ROLE meta_loader NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO meta_reader, meta_loader;
GRANT SELECT ON loads, trials, arms, outcomes, continuous_results, binary_results
    TO meta_reader, meta_loader;
GRANT INSERT, UPDATE, DELETE ON loads, trials, arms, outcomes, continuous_results, binary_results
    TO meta_loader;
DO $$
BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO meta_loader', current_database());
END
$$;
