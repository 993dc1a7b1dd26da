package store

import (
	"strings"
	"testing"
)

func TestPgDumpCommand(t *testing.T) {
	for _, tc := range []struct{ dsn, dump string }{
		{"host=db.example port=6432 user=pilar password=s3cret dbname=pilar sslmode=require",
			"pg_dump --host=db.example --port=6432 --username=pilar --dbname=pilar --format=custom --file=/var/backups/pilar.dump"},
		{"postgres://pilar:s3cret@10.0.0.5/pilar_prod?search_path=kaltim",
			"pg_dump --host=10.0.0.5 --port=5432 --username=pilar --dbname=pilar_prod --schema=kaltim --format=custom --file=/var/backups/pilar.dump"},
		{"host=localhost user=o'brien dbname='my db' password=s3cret",
			`pg_dump --host=localhost --port=5432 --username='o'\''brien' --dbname='my db' --format=custom --file=/var/backups/pilar.dump`},
	} {
		dump, restore, err := PgDumpCommand(tc.dsn, "/var/backups/pilar.dump")
		if err != nil || dump != tc.dump {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.dsn, dump, err, tc.dump)
		}
		if strings.Contains(dump+restore, "s3cret") || !strings.HasPrefix(restore, "pg_restore ") {
			t.Errorf("%s: the password must never be printed: %s / %s", tc.dsn, dump, restore)
		}
	}
}
