-- Why: exclusion lists (civil servants, the deceased, KUR debtors, ...) are matched before approval; only keyed hashes of their NIKs and NIBs are kept, so a list discloses nobody.
-- +goose Up
CREATE TABLE exclusion_lists (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('asn_tni_polri','deceased','kur_debtor','other_credit','blacklist','other')),
    source        TEXT NOT NULL,
    as_of         TEXT NOT NULL,
    file_name     TEXT NOT NULL DEFAULT '',
    nik_count     INTEGER NOT NULL DEFAULT 0,
    nib_count     INTEGER NOT NULL DEFAULT 0,
    replaces_id   INTEGER REFERENCES exclusion_lists(id),
    created_by_id INTEGER NOT NULL REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    withdrawn_at  TIMESTAMP
);

-- One row per identifier of a live list: HMAC-SHA256 of "nik:..." or "nib:..." under exclusion.key, in hex.
CREATE TABLE exclusion_entries (
    list_id INTEGER NOT NULL REFERENCES exclusion_lists(id),
    hash    TEXT COLLATE "C" NOT NULL
);
CREATE INDEX exclusion_entries_hash ON exclusion_entries(hash);
CREATE INDEX exclusion_entries_list ON exclusion_entries(list_id);

-- +goose Down
DROP TABLE exclusion_entries;
DROP TABLE exclusion_lists;
