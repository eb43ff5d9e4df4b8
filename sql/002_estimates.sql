-- 002_estimates: study-level estimates and per-result attributes.
-- An estimate row gives one trial's comparison of two treatments as an
-- effect with its standard error instead of arm data (INTERFACE.md section
-- 1b): RevMan's generic inverse variance, a hazard ratio, an adjusted
-- estimate, Peto's O-E and variance. Its CHECK constraints mirror the
-- loader's rules, so the database itself refuses what `meta load` would.
-- Every result row also gains attributes of its own: a Cochrane subgroup or
-- risk-of-bias judgement belongs to one result of one analysis, not to the arm.

-- Outcomes that only estimates can describe: time-to-event ones (HR) and
-- generic ones (GIV: an effect whose measure the source does not name).
ALTER TABLE outcomes DROP CONSTRAINT outcomes_kind_check;
ALTER TABLE outcomes ADD CONSTRAINT outcomes_kind_check
    CHECK (kind IN ('continuous', 'binary', 'time-to-event', 'generic'));

-- A result's own attributes: NULL when it has none, which costs a stored
-- row nothing (most arm rows have none), else a non-empty JSON object.
ALTER TABLE continuous_results
    ADD COLUMN attributes jsonb
    CONSTRAINT continuous_results_attributes_check
    CHECK (jsonb_typeof(attributes) = 'object' AND attributes <> '{}');
ALTER TABLE binary_results
    ADD COLUMN attributes jsonb
    CONSTRAINT binary_results_attributes_check
    CHECK (jsonb_typeof(attributes) = 'object' AND attributes <> '{}');

-- One trial's estimate of treatment vs control for an outcome at a time
-- point. estimate is on the natural scale (RR 4.94, MD -1.3; for GIV the
-- scale given, the log scale when log_scale is set); se is on the analysis
-- scale (log for RR, OR, ROM, HR), given (se_given) or derived from the
-- interval, which is kept as given with its level; attributes as for the
-- arm results (a Cochrane subgroup, NULL when none). method 'peto' marks
-- Peto's odds ratio from O-E and V (estimate exp((O-E)/V), se 1/sqrt(V)).
-- The kind follows the measure, and the composite foreign key makes it the
-- outcome's: MD on a binary outcome, or HR on one with arm rows, is refused.
CREATE TABLE estimate_results (
    trial_id    bigint  NOT NULL REFERENCES trials ON DELETE CASCADE,
    outcome_id  bigint  NOT NULL,
    kind        text    NOT NULL,
    timepoint   text    NOT NULL DEFAULT '',
    treatment   text    NOT NULL CHECK (treatment <> ''),
    control     text    NOT NULL CHECK (control <> ''),
    measure     text    NOT NULL
                CHECK (measure IN ('MD', 'SMD', 'ROM', 'RR', 'OR', 'RD', 'HR', 'GIV')),
    method      text    NOT NULL DEFAULT '' CHECK (method IN ('', 'peto')),
    log_scale   boolean NOT NULL DEFAULT false,
    estimate    double precision NOT NULL
                CHECK (estimate > '-Infinity'::float8 AND estimate < 'Infinity'::float8),
    se          double precision NOT NULL CHECK (se > 0 AND se < 'Infinity'::float8),
    se_given    boolean NOT NULL,
    ci_lower    double precision
                CHECK (ci_lower > '-Infinity'::float8 AND ci_lower < 'Infinity'::float8),
    ci_upper    double precision
                CHECK (ci_upper > '-Infinity'::float8 AND ci_upper < 'Infinity'::float8),
    level       double precision CHECK (level >= 50 AND level < 100),
    n_treatment integer CHECK (n_treatment > 0),
    n_control   integer CHECK (n_control > 0),
    attributes  jsonb   CHECK (jsonb_typeof(attributes) = 'object' AND attributes <> '{}'),
    load_id     bigint  NOT NULL REFERENCES loads,
    PRIMARY KEY (outcome_id, timepoint, trial_id, treatment, control),
    FOREIGN KEY (outcome_id, kind) REFERENCES outcomes (outcome_id, kind),
    CHECK (control <> treatment),
    CHECK (kind = CASE WHEN measure IN ('MD', 'SMD', 'ROM') THEN 'continuous'
                       WHEN measure IN ('RR', 'OR', 'RD') THEN 'binary'
                       WHEN measure = 'HR' THEN 'time-to-event'
                       ELSE 'generic' END),
    CHECK (method = '' OR measure = 'OR'),
    CHECK (NOT log_scale OR measure = 'GIV'),
    CHECK (measure NOT IN ('RR', 'OR', 'ROM', 'HR') OR estimate > 0),
    CHECK ((ci_lower IS NULL) = (ci_upper IS NULL) AND (ci_lower IS NULL) = (level IS NULL)),
    CHECK (ci_lower < ci_upper AND ci_lower <= estimate AND estimate <= ci_upper),
    CHECK (measure NOT IN ('RR', 'OR', 'ROM', 'HR') OR ci_lower > 0),
    CHECK (se_given OR ci_lower IS NOT NULL)
);
CREATE INDEX estimate_results_trial_idx ON estimate_results (trial_id);
CREATE INDEX estimate_results_load_idx ON estimate_results (load_id);
CREATE INDEX estimate_results_treatment_idx ON estimate_results (treatment);
CREATE INDEX estimate_results_control_idx ON estimate_results (control);

GRANT SELECT ON estimate_results TO meta_reader, meta_loader;
GRANT INSERT, UPDATE, DELETE ON estimate_results TO meta_loader;
