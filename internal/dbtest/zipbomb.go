package dbtest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Bomb is a workbook part that inflates to Prefix, then MiB mebibytes of
// Fill, then Suffix, while its compressed form stays about a thousandth of
// that: a zip bomb for the importer's tests, generated, never committed.
type Bomb struct {
	Part           string // e.g. "xl/styles.xml"; replaces the part of that name or is added
	Prefix, Suffix string
	Fill           byte
	MiB            int
}

// Workbook returns an .xlsx whose first sheet holds the rows (the first
// one the header), with edit applied to each part's name and content (nil:
// none) and the bomb, when b.Part is set, written in place of or beside
// the parts.
func Workbook(t testing.TB, rows [][]string, edit func(name string, data []byte) (string, []byte), b Bomb) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			f.SetCellStr("Sheet1", cell, v)
		}
	}
	var plain bytes.Buffer
	if err := f.Write(&plain); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, p := range zr.File {
		if p.Name == b.Part {
			continue
		}
		rc, _ := p.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		name := p.Name
		if edit != nil {
			name, data = edit(name, data)
		}
		w, _ := zw.Create(name)
		w.Write(data)
	}
	if b.Part != "" {
		body, crc, size := b.deflate()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: b.Part, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(body)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// deflate compresses the prefix and the first mebibytes of fill with
// compress/flate, then repeats the block that one more mebibyte of fill
// compresses to once the window holds only fill (the same bytes every
// time, checked), and ends with the suffix as a stored block: seconds'
// work for gibibytes, and a stream archive/zip inflates and checks.
func (b Bomb) deflate() (body []byte, crc uint32, size uint64) {
	chunk := bytes.Repeat([]byte{b.Fill}, 1<<20)
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	next := func() []byte {
		fw.Write(chunk)
		fw.Flush()
		blk := bytes.Clone(buf.Bytes())
		buf.Reset()
		return blk
	}
	fw.Write([]byte(b.Prefix))
	body = next()
	steady, again := next(), next()
	if !bytes.Equal(steady, again) {
		panic("dbtest: flate output is not periodic; write the bomb the slow way")
	}
	body = append(body, steady...)
	for i := 3; i < b.MiB; i++ {
		body = append(body, steady...)
	}
	body = append(body, again...)
	// A final stored block (BFINAL=1, BTYPE=00) after the byte-aligned flush.
	suffix := []byte(b.Suffix)
	hdr := []byte{1, 0, 0, 0, 0}
	binary.LittleEndian.PutUint16(hdr[1:], uint16(len(suffix)))
	binary.LittleEndian.PutUint16(hdr[3:], ^uint16(len(suffix)))
	body = append(append(body, hdr...), suffix...)

	h := crc32.NewIEEE()
	io.WriteString(h, b.Prefix)
	for i := 0; i < max(b.MiB, 3); i++ {
		h.Write(chunk)
	}
	io.WriteString(h, b.Suffix)
	return body, h.Sum32(), uint64(len(b.Prefix)+len(b.Suffix)) + uint64(max(b.MiB, 3))<<20
}

// SheetBomb is the part name and content of the first sheet of a workbook
// holding rows, split where a cell's text would go: a bomb with this
// prefix and suffix is a sheet with one cell of MiB mebibytes in row 2.
func SheetBomb(t testing.TB, rows [][]string) (prefix, suffix string) {
	t.Helper()
	var sheet string
	Workbook(t, rows, func(name string, data []byte) (string, []byte) {
		if name == "xl/worksheets/sheet1.xml" {
			sheet = string(data)
		}
		return name, data
	}, Bomb{})
	i := strings.Index(sheet, "</sheetData>")
	if i < 0 {
		t.Fatal("dbtest: no sheetData in the sheet")
	}
	return sheet[:i] + `<row r="99"><c r="A99" t="inlineStr"><is><t>`, `</t></is></c></row>` + sheet[i:]
}
