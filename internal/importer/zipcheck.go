package importer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Limits on what an XLSX may expand to, so that no upload makes the server
// hold more than about 256 MiB (issue 17, item 2). Worksheets and the shared
// strings above xmlInMemory are unzipped to a temporary file and streamed by
// excelize; every other part is held in memory while the workbook is open.
const (
	xlsxMaxBytes   = 128 << 20 // the .xlsx itself, when it is not a file we can seek in
	xlsxMaxParts   = 10_000    // entries in the zip
	xmlInMemory    = 16 << 20  // excelize's UnzipXMLSizeLimit: larger sheets go to disk
	inMemoryTotal  = 64 << 20  // all parts excelize keeps in memory, as declared
	sharedStrMax   = 64 << 20  // xl/sharedStrings.xml (excelize keeps an offset per string)
	onDiskTotal    = 1 << 30   // worksheets and shared strings streamed from disk
	maxRatio       = 100       // a part may expand at most this many times...
	ratioFloor     = 1 << 20   // ...once it is larger than this
	maxTokenLength = 1 << 20   // longest run between two '<' in a streamed part
)

// xlsxOptions are the limits excelize itself enforces, behind checkZip's.
var xlsxOptions = excelize.Options{UnzipSizeLimit: inMemoryTotal + onDiskTotal, UnzipXMLSizeLimit: xmlInMemory}

// checkZip refuses a workbook that would expand beyond the limits above,
// from the sizes its zip directory declares (archive/zip refuses a part
// that inflates past its declared size) and, for the parts excelize
// streams, from one pass over their inflated bytes: the XML decoder holds a
// whole token in memory, so no token may be longer than maxTokenLength.
// Errors: validation_failed naming the part and the reason.
func checkZip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return unreadable("the file looks like an XLSX workbook but cannot be opened: " + err.Error())
	}
	if len(zr.File) > xlsxMaxParts {
		return bomb(fmt.Sprintf("the workbook holds %d parts (at most %d)", len(zr.File), xlsxMaxParts))
	}
	var inMemory, onDisk uint64
	var streamed []*zip.File
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		u, c := f.UncompressedSize64, f.CompressedSize64
		if u > ratioFloor && (c == 0 || u/c >= maxRatio) {
			return bomb(fmt.Sprintf("the part %s expands from %d to %d bytes (more than %d times)", f.Name, c, u, maxRatio))
		}
		sst := name == "xl/sharedstrings.xml"
		if sst && u > sharedStrMax {
			return bomb(fmt.Sprintf("the shared strings (%s) expand to %d bytes (at most %d)", f.Name, u, sharedStrMax))
		}
		if (sst || strings.HasPrefix(name, "xl/worksheets/sheet")) && u > xmlInMemory {
			onDisk += u
			streamed = append(streamed, f)
		} else {
			inMemory += u
		}
		if inMemory > inMemoryTotal {
			return bomb(fmt.Sprintf("the workbook's parts other than sheets expand to more than %d bytes", inMemoryTotal))
		}
		if onDisk > onDiskTotal {
			return bomb(fmt.Sprintf("the workbook's sheets expand to more than %d bytes; split the file or save it as CSV", onDiskTotal))
		}
	}
	for _, f := range streamed {
		if err := checkTokens(f); err != nil {
			return err
		}
	}
	return nil
}

// checkTokens inflates a part and refuses it when two '<' are further apart
// than maxTokenLength (a cell's text or a tag that the decoder would hold).
func checkTokens(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return unreadable("the part " + f.Name + " cannot be read: " + err.Error())
	}
	defer rc.Close()
	buf := make([]byte, 64<<10)
	run := 0
	for {
		n, err := rc.Read(buf)
		b := buf[:n]
		for len(b) > 0 {
			i := bytes.IndexByte(b, '<')
			if i < 0 {
				run += len(b)
				break
			}
			run += i
			if run > maxTokenLength {
				break
			}
			run, b = 0, b[i+1:]
		}
		if run > maxTokenLength {
			return bomb(fmt.Sprintf("the part %s holds a cell or tag longer than %d bytes", f.Name, maxTokenLength))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return unreadable("the part " + f.Name + " cannot be read: " + err.Error())
		}
	}
}

func bomb(reason string) error {
	return unreadable(reason + "; the file is refused as a possible zip bomb")
}
