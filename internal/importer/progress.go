package importer

import "sync"

// Meter follows how far an import has read its file, for a progress bar:
// set Options.Meter, and read Percent from Options.Progress (the goroutine
// that reads the file).
type Meter struct {
	Size int64 // the file's size in bytes
	rows Rows
	mu   sync.Mutex // held while a row is read and while Percent looks
}

// next reads the next row of rows under the meter's lock.
func (m *Meter) next(rows Rows) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return rows.Next()
}

// Percent is the share of the file read so far, 0 to 100: bytes of a CSV
// file, rows of a workbook's sheet (by its stated dimension).
func (m *Meter) Percent() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	var done, total int64
	switch r := m.rows.(type) {
	case *csvRows:
		done, total = r.skipped+r.r.InputOffset(), m.Size
	case *xlsxRows:
		done, total = int64(r.row.N), int64(r.total)
		if r.done {
			done = total
		}
	}
	if total <= 0 {
		return 0
	}
	return int(min(100, done*100/total))
}
