package importer

import "sync"

// Meter follows how far an import has got through its file, for a
// progress bar: set Options.Meter, and read Percent from Options.Progress.
type Meter struct {
	Size int64 // the file's size in bytes
	rows Rows
	mu   sync.Mutex // held while a row is read and while Percent looks
	// imported is how far the rows imported so far reach, once a set
	// import (which reads its rows ahead of the store) has imported one;
	// nil: as far as the file has been read.
	imported *mark
}

// mark is how far a file has been read: bytes of a CSV file, rows of a
// workbook's sheet (by its stated dimension).
type mark struct{ done, total int64 }

// next reads the next row of rows under the meter's lock, and says how
// far the file has been read then.
func (m *Meter) next(rows Rows) (bool, mark) {
	m.mu.Lock()
	defer m.mu.Unlock()
	more := rows.Next()
	return more, m.read()
}

// read is how far the file has been read; the lock is held.
func (m *Meter) read() mark {
	switch r := m.rows.(type) {
	case *csvRows:
		return mark{r.skipped + r.r.InputOffset(), m.Size}
	case *xlsxRows:
		if r.done {
			return mark{int64(r.total), int64(r.total)}
		}
		return mark{int64(r.row.N), int64(r.total)}
	}
	return mark{}
}

// reached says the import has got through the file as far as at.
func (m *Meter) reached(at mark) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.imported = &at
}

// Percent is the share of the file imported so far, 0 to 100.
func (m *Meter) Percent() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	at := m.read()
	if m.imported != nil {
		at = *m.imported
	}
	if at.total <= 0 {
		return 0
	}
	return int(min(100, at.done*100/at.total))
}
