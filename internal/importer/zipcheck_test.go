package importer_test

import (
	"bytes"
	"strings"
	"testing"

	"pilar/internal/dbtest"
	"pilar/internal/importer"
)

// TestOpen_ZipBombStream: a bomb read from a plain stream (not a file the
// importer can seek in) is checked the same way.
func TestOpen_ZipBombStream(t *testing.T) {
	t.Parallel()
	b := dbtest.Workbook(t, [][]string{{"kind", "name", "nik"}}, nil,
		dbtest.Bomb{Part: "xl/styles.xml", Prefix: "<styleSheet>", Fill: ' ', MiB: 2048, Suffix: "</styleSheet>"})
	_, err := importer.Open(struct{ *bytes.Reader }{bytes.NewReader(b)}) // hides ReadAt and Seek
	if err == nil || !strings.Contains(err.Error(), "zip bomb") {
		t.Fatalf("err %v", err)
	}
}

// FuzzOpen feeds arbitrary bytes, and bytes after a zip's magic, to Open:
// it may refuse them, never panic.
func FuzzOpen(f *testing.F) {
	f.Add(dbtest.Workbook(f, [][]string{{"kind", "name", "nik"}, {"umkm", "A", "6472014506850001"}}, nil, dbtest.Bomb{}))
	f.Add([]byte("kind,name,nik\numkm,A,6472014506850001\n"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, r := range []interface{ Read([]byte) (int, error) }{bytes.NewReader(data), struct{ *bytes.Reader }{bytes.NewReader(data)}} {
			rows, err := importer.Open(r)
			if err != nil {
				continue
			}
			for i := 0; i < 100 && rows.Next(); i++ {
			}
			rows.Close()
		}
	})
}
