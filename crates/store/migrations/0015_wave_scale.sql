-- Wave scope and complexity (issue 5, part 6): the modules each wave takes live, and two
-- counts per wave that later capabilities will feed (interfaces, approved customizations);
-- counted by hand until then. Together with the wave's sites and their people they make the
-- wave's scale index (crates/domain/src/wave/scale.rs).

ALTER TABLE wave ADD COLUMN interfaces BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wave ADD COLUMN approved_customizations BIGINT NOT NULL DEFAULT 0;

CREATE TABLE wave_module (
    program_id BIGINT NOT NULL REFERENCES program (program_id),
    wave_id BIGINT NOT NULL REFERENCES wave (id) ON DELETE CASCADE,
    module_id BIGINT NOT NULL REFERENCES module (id),
    PRIMARY KEY (wave_id, module_id)
);
CREATE INDEX ix_wave_module_module ON wave_module (module_id);

-- Active people per site (the scale index's users) are counted as all people per site,
-- from ix_person_site_name alone, less the inactive ones, from this index. It holds only
-- inactive people, so a roster of active people adds nothing to it; counting active people
-- directly read every person row (about 0.9 s at 400,000 people on SQLite, against a few
-- milliseconds this way). Queries must say `active = FALSE` literally to use it.
CREATE INDEX ix_person_inactive_site ON person (program_id, site_id) WHERE active = FALSE;
