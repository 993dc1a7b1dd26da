package web_test

import (
	"bytes"
	"math/rand/v2"
	"mime/multipart"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"pilar/internal/config"
	"pilar/internal/dbtest"
)

// uploadBytes posts data as the multipart field "file" as the officer.
func (e *env) uploadBytes(t testing.TB, path, name string, data []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
	return serve(e, req)
}

// heapBound is the most an upload may make the server allocate (issue 17,
// item 2: no upload grows the server's memory by more than 256 MiB).
const heapBound = 256 << 20

// TestAPI_ImportZipBomb uploads workbooks whose parts inflate to 2 GiB
// (generated here, about 2 MB each) and checks that each is a 422 naming
// the reason, writes nothing, and that serving it allocated less than
// 256 MiB in all (TotalAlloc, which bounds the peak; the test is not
// parallel, so nothing else allocates meanwhile).
func TestAPI_ImportZipBomb(t *testing.T) {
	e := newEnvConfig(t, func(c *config.Config) { c.Uploads.MaxBytes = 50 << 20 })
	header := [][]string{{"kind", "name", "nik"}, {"umkm", "Amplang", "6472014506850001"}}
	sheetPrefix, sheetSuffix := dbtest.SheetBomb(t, header)
	misnamed := func(name string, data []byte) (string, []byte) {
		switch name {
		case "xl/worksheets/sheet1.xml":
			return "xl/worksheets/data.xml", data
		case "xl/_rels/workbook.xml.rels", "[Content_Types].xml":
			return name, bytes.ReplaceAll(data, []byte("worksheets/sheet1.xml"), []byte("worksheets/data.xml"))
		}
		return name, data
	}
	noSheet1 := func(name string, data []byte) (string, []byte) {
		if name == "xl/worksheets/sheet1.xml" {
			return "xl/worksheets/data.xml", data
		}
		return misnamed(name, data)
	}
	const gib2 = 2048 // MiB
	for _, tc := range []struct {
		name string
		file func(t *testing.T) []byte
		want string
	}{
		{"Styles", func(t *testing.T) []byte {
			return dbtest.Workbook(t, header, nil, dbtest.Bomb{Part: "xl/styles.xml", Prefix: `<?xml version="1.0"?><styleSheet>`, Fill: ' ', MiB: gib2, Suffix: `</styleSheet>`})
		}, "xl/styles.xml expands"},
		{"SheetCell", func(t *testing.T) []byte {
			return dbtest.Workbook(t, header, nil, dbtest.Bomb{Part: "xl/worksheets/sheet1.xml", Prefix: sheetPrefix, Fill: 'A', MiB: gib2, Suffix: sheetSuffix})
		}, "xl/worksheets/sheet1.xml expands"},
		// A sheet under another name is one excelize keeps in memory.
		{"SheetMisnamed", func(t *testing.T) []byte {
			return dbtest.Workbook(t, header, noSheet1, dbtest.Bomb{Part: "xl/worksheets/data.xml", Prefix: sheetPrefix, Fill: 'A', MiB: gib2, Suffix: sheetSuffix})
		}, "xl/worksheets/data.xml expands"},
		// Random letters compress only about 1.6 times: no ratio gives
		// this away, but the 2 MiB cell (beyond 16 MiB of plain rows, so
		// the sheet is streamed from disk) would be held whole by the XML
		// decoder; the same file with 2 GiB would need ~1.3 GB of upload.
		{"LongCell", func(t *testing.T) []byte {
			rng := rand.New(rand.NewPCG(1, 2))
			cell := make([]byte, 2<<20)
			for i := range cell {
				cell[i] = 'a' + byte(rng.IntN(26))
			}
			rows := strings.Repeat(`<row><c t="inlineStr"><is><t>umkm</t></is></c></row>`, 17<<20/52)
			return dbtest.Workbook(t, header, func(name string, data []byte) (string, []byte) {
				if name == "xl/worksheets/sheet1.xml" {
					return name, []byte(sheetPrefix + string(cell) + `</t></is></c></row>` + rows + strings.TrimPrefix(sheetSuffix, `</t></is></c></row>`))
				}
				return name, data
			}, dbtest.Bomb{})
		}, "longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := tc.file(t)
			if len(file) > 4<<20 {
				t.Fatalf("the bomb is %d bytes; it should be small", len(file))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rec := e.uploadBytes(t, "/api/v1/recipients/import", "bomb.xlsx", file)
			runtime.ReadMemStats(&after)
			grew := after.TotalAlloc - before.TotalAlloc
			t.Logf("%s: %d bytes uploaded, %d allocated while serving it", tc.name, len(file), grew)
			m := e.expect(t, rec, 422)
			if errorCode(m) != "validation_failed" || !strings.Contains(errorField(m, "file"), tc.want) {
				t.Fatalf("want the reason %q in error.fields.file: %v", tc.want, m)
			}
			if grew > heapBound {
				t.Fatalf("serving the upload allocated %d bytes, over %d", grew, heapBound)
			}
			list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients", nil), 200)
			if n := len(list["items"].([]any)); n != 0 {
				t.Fatalf("a refused workbook wrote %d recipients", n)
			}
		})
	}
	t.Run("Plain", func(t *testing.T) {
		// An honest workbook still imports through the same checks.
		file := dbtest.Workbook(t, header, nil, dbtest.Bomb{})
		m := e.expect(t, e.uploadBytes(t, "/api/v1/recipients/import", "ok.xlsx", file), 200)
		if m["created"] != 1.0 {
			t.Fatalf("%v", m)
		}
	})
}
