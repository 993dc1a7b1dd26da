package importer

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"pilar/internal/export"
	"pilar/internal/finance"
	"pilar/internal/money"
)

// What can be imported.
const (
	Recipients    = "recipients"
	Disbursements = "disbursements"
	// Figures are the yearly figures per recipient from the offices'
	// spreadsheets, each with the date from which they hold (issue 14).
	Figures = "figures"
	// Repayments are loan repayments of credit programs (issue 15).
	Repayments = "repayments"
)

// DefaultBatch is how many rows share one transaction when not atomic.
const DefaultBatch = 500

// MaxBatchTime bounds how long a batch of a non-atomic import holds the
// write lock (SQLite) or the audit chain's lock (PostgreSQL): a batch ends
// at DefaultBatch rows or after this long, whichever comes first, so that
// single writes waiting behind it answer within a second (issue 17, item 9).
// Drafts, written as sets of DefaultBatch rows, take sets until this long
// has passed (issue 16).
const MaxBatchTime = 200 * time.Millisecond

// Options say what to import and how.
type Options struct {
	Kind   string // Recipients, Disbursements or Figures
	Atomic bool   // all rows or none
	Update bool   // recipients: change the ones already registered
	Submit bool   // disbursements: submit each new draft
	// Historical enters disbursements with paid_on directly as paid,
	// approved by the importing admin, in one transaction with one audit
	// entry naming the file (FileName, SHA256); budgets are not enforced.
	Historical bool
	FileName   string
	SHA256     string
	BatchSize  int // rows per transaction; DefaultBatch when 0
	// Progress, when set, is told the number of rows read so far after
	// each batch (each set, for recipients and drafts) and at the end.
	Progress func(rows int)
	// Refused, when set, receives the refused rows as CSV: the file's
	// header and cells with an added error column, to fix and upload again.
	Refused io.Writer
	// Meter, when set, follows how much of the file has been read.
	Meter *Meter
	// Observer, when set, is told of the import when it ends (metrics).
	Observer Observer
}

// Observer is told of each import when it ends, with its counts and its
// outcome: "ok", "refused" (an atomic import that wrote nothing, or a file
// refused as a whole) or "error"; the metrics implement it.
type Observer interface {
	ImportFinished(kind string, created, updated, skipped, failed int, outcome string)
}

// RowError is why one row was refused.
type RowError struct {
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"` // in English, as the JSON API speaks
	// Msg is the message as a key, for pages in the reader's language;
	// Key "" for a row the reader could not read (Message says why).
	Msg finance.Msg `json:"-"`
}

// Result is the answer of an import, as FORMATS.md writes it.
type Result struct {
	Created     int        `json:"created"`
	Updated     int        `json:"updated"`
	Skipped     int        `json:"skipped"`
	Failed      int        `json:"failed"`
	SkippedRows []int      `json:"skipped_rows"`
	Errors      []RowError `json:"errors"`
	Rows        int        `json:"-"` // data rows read
	// Historical imports: the rows entered with flags, and the programs
	// whose budget they pushed over.
	Flagged  []RowFlags `json:"flagged,omitempty"`
	Overruns []string   `json:"overruns,omitempty"`
}

// RowFlags are the flags of one imported row.
type RowFlags struct {
	Row   int           `json:"row"`
	Flags finance.Flags `json:"flags"`
}

// errAtomicRefused rolls back an atomic import that refused a row.
var errAtomicRefused = errors.New("atomic import refused a row")

// Import opens a file (CSV or XLSX, told by content) and runs the import
// over its rows. Errors: those of Open and Run.
func Import(ctx context.Context, svc finance.ImportService, r io.Reader, opt Options) (*Result, error) {
	rows, err := Open(r)
	if err != nil {
		if opt.Observer != nil {
			opt.Observer.ImportFinished(opt.Kind, 0, 0, 0, 0, "refused")
		}
		return nil, err
	}
	defer rows.Close()
	if opt.Meter != nil {
		opt.Meter.rows = rows
	}
	return Run(ctx, svc, rows, opt)
}

// Run imports the rows into the service. With Atomic, one refused row
// writes nothing and the answer is the result with a validation_failed
// error; otherwise rows are written in batches and the refused ones are
// listed. Errors: unauthorized, forbidden (a role that may not import),
// validation_failed (unknown kind, missing columns, an atomic import with
// refused rows), and the service's internal errors,
// which stop the import (batches already committed stay).
func Run(ctx context.Context, svc finance.ImportService, rows Rows, opt Options) (*Result, error) {
	// The imports whose answers can tell whether a NIK is registered
	// without writing: rows naming a recipient by NIK, and the counts of a
	// refused atomic recipients import. Others leave the hour's lookups
	// free for the user's searches.
	release := func() error { return nil }
	if opt.Kind != Recipients || opt.Atomic {
		var err error
		if ctx, release, err = svc.ReserveLookups(ctx); err != nil {
			return nil, err
		}
	}
	res, err := run(ctx, svc, rows, opt)
	if rerr := release(); err == nil {
		err = rerr
	}
	if opt.Observer != nil {
		outcome := "ok"
		switch code := finance.ErrorCode(err); {
		case code == finance.EValidation:
			outcome = "refused"
		case code != "":
			outcome = "error"
		}
		var r Result
		if res != nil {
			r = *res
		}
		if opt.Atomic && err != nil {
			r.Created, r.Updated, r.Skipped = 0, 0, 0 // rolled back
		}
		opt.Observer.ImportFinished(opt.Kind, r.Created, r.Updated, r.Skipped, r.Failed, outcome)
	}
	return res, err
}

func run(ctx context.Context, svc finance.ImportService, rows Rows, opt Options) (*Result, error) {
	m, err := newMapper(opt, rows.Header())
	if err != nil {
		return nil, err
	}
	// A role that may never do this is refused once, not row by row.
	if _, err := finance.Authorize(ctx, m.act, nil); err != nil {
		return nil, err
	}
	var history finance.HistoricalImportService
	// The programs a historical import entered, each once: a code per row
	// would hold every row's cells (the code is a slice of them) until
	// the end, a file's worth of memory.
	entered := map[string]bool{}
	if opt.Historical {
		hs, ok := svc.(finance.HistoricalImportService)
		if opt.Kind != Disbursements || !ok {
			return nil, finance.Fields{"historical": finance.M("only disbursements can be imported as history")}.Err()
		}
		if _, err := finance.Authorize(ctx, finance.ActImportHistory, nil); err != nil {
			return nil, err
		}
		history = hs
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatch
	}
	res := &Result{SkippedRows: []int{}, Errors: []RowError{}}
	var refused *csv.Writer
	if opt.Refused != nil {
		refused = csv.NewWriter(opt.Refused)
		refused.Comma = Delimiter(rows) // the file comes back as it was written
		refused.Write(append(neutralise(rows.Header()), "error"))
		defer refused.Flush()
	}
	refuse := func(r Row, e RowError) {
		res.Failed++
		res.Errors = append(res.Errors, e)
		if refused != nil {
			refused.Write(append(neutralise(r.Values), strings.TrimPrefix(e.Field+": ", ": ")+e.Message))
		}
	}
	// record counts one row's outcome, or refuses it; an internal error
	// stops the import.
	record := func(r Row, out finance.ImportOutcome, err error) error {
		switch {
		case err == nil && out == finance.ImportSkipped:
			res.Skipped++
			res.SkippedRows = append(res.SkippedRows, r.N)
		case err == nil && out == finance.ImportUpdated:
			res.Updated++
		case err == nil:
			res.Created++
		case finance.ErrorCode(err) == finance.EInternal:
			return fmt.Errorf("import row %d: %w", r.N, err)
		default:
			refuse(r, rowError(r.N, err))
		}
		return nil
	}
	// Recipients and drafts go a set at a time: the store checks and writes
	// a set's rows together, and the rows are read and mapped on a
	// goroutine of their own, a set ahead of the store, so that the
	// transaction, which holds the write lock, spends its time on the
	// rows' checks and SQL only.
	var sets setImporter
	switch {
	case opt.Kind == Recipients:
		sets = &setImport[finance.RecipientRow]{rows: rows, meter: opt.Meter, read: m.recipientRow,
			write: func(ctx context.Context, rs []finance.RecipientRow) ([]finance.RowOutcome, error) {
				return svc.ImportRecipients(ctx, rs, opt.Update)
			}}
	case history != nil: // past payments; the programs they entered are checked for overruns at the end
		sets = &setImport[finance.DisbursementRow]{rows: rows, meter: opt.Meter, read: m.draftRow,
			write: func(ctx context.Context, ds []finance.DisbursementRow) ([]finance.RowOutcome, error) {
				outs, err := history.ImportHistoricalSet(ctx, ds)
				for k, o := range outs {
					if code := *ds[k].Input.Program; o.Err == nil && o.Outcome == finance.ImportCreated && !entered[code] {
						entered[strings.Clone(code)] = true
					}
				}
				return outs, err
			}}
	case opt.Kind == Disbursements && !opt.Submit:
		sets = &setImport[finance.DisbursementRow]{rows: rows, meter: opt.Meter, read: m.draftRow,
			write: func(ctx context.Context, ds []finance.DisbursementRow) ([]finance.RowOutcome, error) {
				return svc.ImportDisbursements(ctx, ds, false)
			}}
	}
	if sets != nil {
		defer sets.close() // the file is not read once run has returned
	}
	// set imports up to n rows as one set: false when the file ended.
	// Outcomes and refusals are counted in the order of the rows.
	set := func(ctx context.Context, n int) (bool, error) {
		done, more, err := sets.next(ctx, n)
		res.Rows += len(done)
		if err != nil {
			return false, err
		}
		for _, d := range done {
			if d.r.Err != "" {
				refuse(d.r, RowError{Row: d.r.N, Message: d.r.Err})
				continue
			}
			if len(d.out.Flags) > 0 {
				res.Flagged = append(res.Flagged, RowFlags{d.r.N, d.out.Flags})
			}
			if err := record(d.r, d.out.Outcome, d.out.Err); err != nil {
				return false, err
			}
		}
		return more, nil
	}
	parent := ctx // a batch's own does not end (WithoutCancel)
	// batch imports rows until it has done n, the file ends (false) or,
	// with a non-zero until, that time has passed. Sets go n rows at a
	// time, as many as fit before until (at least one) or until run's
	// context ends, so that a transaction holds the lock about as long as
	// a row-by-row batch does but commits, and pauses after, far fewer
	// times; the progress is told after each set (after the last by the
	// caller, as after every batch).
	batch := func(ctx context.Context, n int, until time.Time) (bool, error) {
		if sets != nil {
			for {
				more, err := set(ctx, n)
				if err != nil || !more || until.IsZero() || time.Now().After(until) || parent.Err() != nil {
					return more, err
				}
				progress(opt, res)
			}
		}
		for i := 0; i < n; i++ {
			if i > 0 && !until.IsZero() && time.Now().After(until) {
				return true, nil
			}
			if !rows.Next() {
				return false, nil
			}
			r := rows.Row()
			res.Rows++
			if r.Err != "" {
				refuse(r, RowError{Row: r.N, Message: r.Err})
				continue
			}
			out, err := m.importRow(ctx, svc, r.Values)
			if err := record(r, out, err); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	if history != nil {
		// One transaction: the rows and their one audit entry stand or fall together.
		err := svc.InTx(ctx, func(ctx context.Context) error {
			for more := true; more; {
				var err error
				if more, err = batch(ctx, opt.BatchSize, time.Time{}); err != nil {
					return err
				}
				progress(opt, res)
			}
			if opt.Atomic && res.Failed > 0 {
				return errAtomicRefused
			}
			h := &finance.HistoricalImport{File: opt.FileName, SHA256: opt.SHA256, Rows: res.Rows, Created: res.Created,
				Skipped: res.Skipped, Failed: res.Failed, Flagged: len(res.Flagged)}
			err := history.FinishHistoricalImport(ctx, h, slices.Collect(maps.Keys(entered)))
			res.Overruns = h.Overruns
			return err
		})
		if errors.Is(err, errAtomicRefused) {
			return res, finance.Errorf(finance.EValidation, "%d of %d rows were refused; as the import is atomic, nothing was written", res.Failed, res.Rows)
		}
		return res, err
	}
	if opt.Atomic {
		err := svc.InTx(ctx, func(ctx context.Context) error {
			for more := true; more; {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("atomic import stopped; nothing was written: %w", err)
				}
				var err error
				if more, err = batch(ctx, opt.BatchSize, time.Time{}); err != nil {
					return err
				}
				progress(opt, res)
			}
			if res.Failed > 0 {
				return errAtomicRefused
			}
			return nil
		})
		if errors.Is(err, errAtomicRefused) {
			// Which of the rows would have been created and which skipped
			// says, of each, whether its NIK is registered.
			if opt.Kind == Recipients && !finance.ImportLookupsOf(ctx).Spend(res.Created+res.Updated+res.Skipped) {
				res.Created, res.Updated, res.Skipped, res.SkippedRows = 0, 0, 0, []int{}
				return res, finance.Errorf(finance.EValidation, "%d of %d rows were refused; as the import is atomic, nothing was written. The other rows are not counted as created or skipped: that would answer more NIK lookups than are left this hour", res.Failed, res.Rows)
			}
			return res, finance.Errorf(finance.EValidation, "%d of %d rows were refused; as the import is atomic, nothing was written", res.Failed, res.Rows)
		}
		return res, err
	}
	// On SQLite the store asks for a pause between batches: the write lock
	// is free then, for other writers (issue 17, item 9).
	pauser, _ := svc.(interface {
		PauseAfterBatch(took time.Duration) time.Duration
	})
	// A batch, once begun, runs to its commit even if ctx ends meanwhile (a
	// server shutting down, Ctrl-C): the import stops between batches, so
	// what it wrote is whole batches and the counts say how far it got.
	for more := true; more; {
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("import stopped after %d rows (created %d, updated %d, skipped %d, failed %d; batches written stay): %w",
				res.Rows, res.Created, res.Updated, res.Skipped, res.Failed, err)
		}
		start := time.Now()
		err := svc.InTx(context.WithoutCancel(ctx), func(ctx context.Context) (err error) {
			more, err = batch(ctx, opt.BatchSize, time.Now().Add(MaxBatchTime))
			return err
		})
		if err != nil {
			return res, err
		}
		progress(opt, res)
		if more && pauser != nil {
			time.Sleep(pauser.PauseAfterBatch(time.Since(start)))
		}
	}
	return res, nil
}

// setImporter imports a file's rows a set at a time.
type setImporter interface {
	// next imports up to n rows as one set and gives what became of each,
	// in order (also when the set failed as a whole), and false when the
	// file ended with them. Errors: the store's for the whole set.
	next(ctx context.Context, n int) ([]rowDone, bool, error)
	// close stops the reading and waits for it to end.
	close()
}

// rowDone is a row of a set and what became of it: out.Err refuses it
// (read refused it before the store, or the store did), and so does r.Err.
type rowDone struct {
	r   Row
	out finance.RowOutcome
}

// setImport reads the rows and maps them with read to T on a goroutine of
// its own, in sets, at most one set ahead of the one being written by
// write, which checks and writes a set's rows together.
type setImport[T any] struct {
	rows          Rows
	meter         *Meter // when set, each row is read under its lock, so that Percent may be asked meanwhile, and each set imported is told it
	read          func(values []string) (T, error)
	write         func(ctx context.Context, rows []T) ([]finance.RowOutcome, error)
	sets          chan rowSet[T] // nil until the first set is asked for
	stop, stopped chan struct{}
}

// rowSet is up to a set's rows, read and mapped; more is false when the
// file ended with them, at is how far the file had been read then.
type rowSet[T any] struct {
	items []setItem[T]
	more  bool
	at    mark
}

// setItem is one row of a rowSet: its cells (a copy, valid after the next
// row is read) and what they map to, or why they do not.
type setItem[T any] struct {
	r   Row
	row T
	err error // refused before the store
}

func (si *setImport[T]) next(ctx context.Context, n int) ([]rowDone, bool, error) {
	if si.sets == nil {
		si.start(n)
	}
	set := <-si.sets
	items := set.items
	var batch []T
	for _, it := range items {
		if it.r.Err == "" && it.err == nil {
			batch = append(batch, it.row)
		}
	}
	done := make([]rowDone, len(items))
	var outs []finance.RowOutcome
	if len(batch) > 0 {
		var err error
		if outs, err = si.write(ctx, batch); err != nil {
			for i, it := range items {
				done[i].r = it.r
			}
			if finance.ErrorCode(err) == finance.EInternal {
				err = fmt.Errorf("import rows %d-%d: %w", items[0].r.N, items[len(items)-1].r.N, err)
			}
			return done, false, err
		}
	}
	k := 0
	for i, it := range items {
		done[i].r = it.r
		switch {
		case it.r.Err != "":
		case it.err != nil:
			done[i].out.Err = it.err
		default:
			done[i].out = outs[k]
			k++
		}
	}
	if si.meter != nil {
		si.meter.reached(set.at)
	}
	return done, set.more, nil
}

// start begins reading sets of n rows; the reading stops after the set
// that ends the file, or when stop is closed, and then closes stopped.
func (si *setImport[T]) start(n int) {
	si.sets, si.stop, si.stopped = make(chan rowSet[T], 1), make(chan struct{}), make(chan struct{})
	next := func() (bool, mark) { return si.rows.Next(), mark{} }
	if si.meter != nil {
		next = func() (bool, mark) { return si.meter.next(si.rows) }
	}
	go func() {
		defer close(si.stopped)
		for more := true; more; {
			set := rowSet[T]{items: make([]setItem[T], 0, n)}
			for len(set.items) < n {
				if more, set.at = next(); !more {
					break
				}
				it := setItem[T]{r: si.rows.Row()}
				it.r.Values = slices.Clone(it.r.Values)
				if it.r.Err == "" {
					it.row, it.err = si.read(it.r.Values)
				}
				set.items = append(set.items, it)
			}
			set.more = more
			select {
			case si.sets <- set:
			case <-si.stop:
				return
			}
		}
	}()
}

func (si *setImport[T]) close() {
	if si.sets != nil {
		close(si.stop)
		<-si.stopped
	}
}

func progress(opt Options, res *Result) {
	if opt.Progress != nil {
		opt.Progress(res.Rows)
	}
}

// rowError turns a refusal into one entry: the first field by name, with
// the other fields' messages added.
func rowError(n int, err error) RowError {
	var e *finance.Error
	if !errors.As(err, &e) {
		return RowError{Row: n, Message: err.Error()}
	}
	if len(e.Fields) == 0 {
		return RowError{Row: n, Message: e.Message(), Msg: e.Msg}
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	msg := e.Fields[keys[0]]
	for _, k := range keys[1:] {
		msg = finance.M("%s; %s: %s", msg, k, e.Fields[k])
	}
	return RowError{Row: n, Field: keys[0], Message: msg.String(), Msg: msg}
}

// neutralise keeps a spreadsheet from running cells as formulas (CSV
// injection); the importer strips the added apostrophe on the way back in.
func neutralise(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = export.Neutralize(c) // the one rule, tab and carriage return included
	}
	return out
}

// mapper turns a row's cells into a service call, by column name.
type mapper struct {
	opt Options
	act finance.Act
	col map[string]int // column name (Columns) -> index
}

var acts = map[string]finance.Act{Recipients: finance.ActEditRecipient, Disbursements: finance.ActRecordDisbursement, Figures: finance.ActEditRecipient,
	Repayments: finance.ActRecordRepayment}

// newMapper checks the header for the kind's required columns, by name or
// alias (Columns). Errors: validation_failed naming the missing columns.
func newMapper(opt Options, header []string) (*mapper, error) {
	need := requiredGroups(opt.Kind)
	if need == nil {
		return nil, finance.FieldError("kind", "must be recipients, disbursements, figures or repayments")
	}
	m := &mapper{opt: opt, act: acts[opt.Kind], col: headerIndex(opt.Kind, header)}
	var missing []string
	for _, alts := range need {
		found := false
		for _, c := range alts {
			_, ok := m.col[c]
			found = found || ok
		}
		if !found {
			missing = append(missing, strings.Join(alts, " or "))
		}
	}
	if len(missing) > 0 {
		cols := strings.Join(missing, ", ")
		return nil, &finance.Error{Code: finance.EValidation, Msg: finance.M("the header lacks the required column(s) %s (the first row must be the header)", cols),
			Fields: map[string]finance.Msg{"columns": finance.M("%s", cols)}}
	}
	return m, nil
}

// cell is the trimmed value of a column, nil when the column is absent or
// the cell empty; a leading apostrophe (a spreadsheet's text marker) goes.
func (m *mapper) cell(values []string, name string) *string {
	i, ok := m.col[name]
	if !ok || i >= len(values) {
		return nil
	}
	v := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(values[i]), "'"))
	if v == "" {
		return nil
	}
	return &v
}

func (m *mapper) importRow(ctx context.Context, svc finance.ImportService, v []string) (finance.ImportOutcome, error) {
	f := finance.Fields{}
	switch m.opt.Kind {
	case Figures:
		row := m.figures(v, f)
		if err := f.Err(); err != nil {
			return 0, err
		}
		return svc.ImportFigures(ctx, row)
	case Repayments:
		rs, ok := svc.(finance.RepaymentImportService)
		if !ok {
			return 0, fmt.Errorf("importer: %T does not import repayments", svc)
		}
		row := m.repayment(v, f)
		if err := f.Err(); err != nil {
			return 0, err
		}
		return rs.ImportRepayment(ctx, row)
	}
	row, err := m.disbursementRow(v)
	if err != nil {
		return 0, err
	}
	outs, err := svc.ImportDisbursements(ctx, []finance.DisbursementRow{row}, m.opt.Submit)
	if err != nil {
		return 0, err
	}
	return outs[0].Outcome, outs[0].Err
}

// disbursementRow reads a disbursement row's cells, and paid_on, which a
// historical import requires. Errors: validation_failed.
func (m *mapper) disbursementRow(v []string) (finance.DisbursementRow, error) {
	f := finance.Fields{}
	row := m.disbursement(v, f)
	if m.opt.Historical {
		if d := m.cell(v, "paid_on"); d != nil {
			day, ok := parseDate(*d)
			if !ok {
				f.Add("paid_on", "must be a date as YYYY-MM-DD (or DD/MM/YYYY)")
			}
			row.PaidOn = &day
		} else {
			f.Add("paid_on", "is required in a historical import: the day it was paid")
		}
	}
	return row, f.Err()
}

// draftRow reads a disbursement row's cells and prepares its draft
// (DisbursementRow.Prepare). Errors: validation_failed.
func (m *mapper) draftRow(v []string) (finance.DisbursementRow, error) {
	row, err := m.disbursementRow(v)
	if err == nil {
		row.Prepare()
	}
	return row, err
}

// recipientRow reads a recipient row's cells and prepares its recipient
// (RecipientRow.Prepare). Errors: validation_failed.
func (m *mapper) recipientRow(v []string) (finance.RecipientRow, error) {
	f := finance.Fields{}
	row := finance.RecipientRow{Input: m.recipient(v, f)}
	if err := f.Err(); err != nil {
		return row, err
	}
	row.Prepare()
	return row, nil
}

// repayment reads a repayments row: loan_id, else recipient_nik or
// recipient_nib (and optionally program_code); paid_on, amount, reference.
func (m *mapper) repayment(v []string, f finance.Fields) finance.RepaymentRow {
	c := func(name string) *string { return m.cell(v, name) }
	row := finance.RepaymentRow{Input: finance.RepaymentInput{Amount: m.amount(v, "amount", f), Reference: c("reference")}}
	if id := c("loan_id"); id != nil {
		n, err := strconv.ParseInt(strings.TrimSuffix(*id, ".0"), 10, 64)
		if err != nil || n < 1 {
			f.Add("loan_id", "must be the id of a loan (its disbursement's id)")
		}
		row.LoanID = n
	}
	for dst, name := range map[*string]string{&row.RecipientNIK: "recipient_nik", &row.RecipientNIB: "recipient_nib", &row.Program: "program_code"} {
		if p := c(name); p != nil {
			*dst = *p
		}
	}
	if row.LoanID == 0 && row.RecipientNIK == "" && row.RecipientNIB == "" {
		f.Add("loan_id", "give loan_id, recipient_nik or recipient_nib")
	}
	if d := c("paid_on"); d != nil {
		day, ok := parseDate(*d)
		if !ok {
			f.Add("paid_on", "must be a date as YYYY-MM-DD (or DD/MM/YYYY)")
		}
		row.Input.PaidOn = &day
	} else {
		f.Add("paid_on", "is required")
	}
	if row.Input.Amount == nil {
		f.Add("amount", "is required")
	}
	return row
}

func (m *mapper) recipient(v []string, f finance.Fields) finance.RecipientInput {
	c := func(name string) *string { return m.cell(v, name) }
	in := finance.RecipientInput{
		Kind: c("kind"), Name: c("name"), OwnerName: c("owner_name"), NIK: c("nik"), NIB: c("nib"), NPWP: c("npwp"),
		Sector: c("sector"), SizeClass: c("size_class"), RegionCode: c("region_code"), Address: c("address"),
		Phone: c("phone"), BankCode: c("bank_code"), AccountNo: c("account_no"), AccountHolder: c("account_holder"),
		LegalNumber: c("legal_number"),
		Capital:     m.amount(v, "capital", f), AnnualSales: m.amount(v, "annual_sales", f),
		Members: m.int(v, "members", f), LastRATYear: m.int(v, "last_rat_year", f),
		BusinessVolume: m.amount(v, "business_volume", f), Assets: m.amount(v, "assets", f),
		Workforce: m.int(v, "workforce", f), ValidFrom: c("valid_from"),
	}
	if in.Kind != nil {
		k := strings.ToLower(*in.Kind)
		in.Kind = &k
	}
	in.Active = m.active(v, f)
	return in
}

// active reads a yes or no, in Indonesian or English.
func (m *mapper) active(v []string, f finance.Fields) *bool {
	a := m.cell(v, "active")
	if a == nil {
		return nil
	}
	switch strings.ToLower(*a) {
	case "1", "true", "ya", "yes", "aktif", "y":
		return ptr(true)
	case "0", "false", "tidak", "no", "nonaktif", "tidak aktif", "n":
		return ptr(false)
	}
	f.Add("active", "must be ya or tidak (yes or no)")
	return nil
}

// figures reads a row of yearly figures; dates may be written as in the
// disbursement files (DD/MM/YYYY too), as spreadsheets do.
func (m *mapper) figures(v []string, f finance.Fields) finance.FiguresRow {
	c := func(name string) string {
		if p := m.cell(v, name); p != nil {
			return *p
		}
		return ""
	}
	row := finance.FiguresRow{NIK: c("nik"), NIB: c("nib"), LegalNumber: c("legal_number"), SizeClass: m.cell(v, "size_class"),
		Active: m.active(v, f), Members: m.int(v, "members", f), LastRATYear: m.int(v, "last_rat_year", f),
		BusinessVolume: m.amount(v, "business_volume", f), Assets: m.amount(v, "assets", f), Workforce: m.int(v, "workforce", f)}
	if id := m.int(v, "recipient_id", f); id != nil {
		n := int64(*id)
		row.RecipientID = &n
	}
	if row.SizeClass != nil {
		*row.SizeClass = strings.ToLower(*row.SizeClass)
	}
	if d := c("valid_from"); d != "" {
		day, ok := parseDate(d)
		if !ok {
			f.Add("valid_from", "must be a date as YYYY-MM-DD (or DD/MM/YYYY)")
		}
		row.ValidFrom = day
	}
	return row
}

func (m *mapper) disbursement(v []string, f finance.Fields) finance.DisbursementRow {
	c := func(name string) *string { return m.cell(v, name) }
	row := finance.DisbursementRow{Input: finance.DisbursementInput{
		Program: c("program_code"), Amount: m.amount(v, "amount", f), Form: c("form"),
		PaymentRef: c("payment_ref"), Note: c("note"),
	}}
	if p := c("recipient_nik"); p != nil {
		row.RecipientNIK = *p
	}
	if p := c("recipient_nib"); p != nil {
		row.RecipientNIB = *p
	}
	if t := m.int(v, "tranche", f); t != nil {
		row.Input.Tranche = t
	}
	if d := c("disbursed_on"); d != nil {
		day, ok := parseDate(*d)
		if !ok {
			f.Add("disbursed_on", "must be a date as YYYY-MM-DD (or DD/MM/YYYY)")
		}
		row.Input.DisbursedOn = &day
	}
	// A loan of a credit program: tenor_months, interest_rate and first_due_on.
	if tenor, rate, due := m.int(v, "tenor_months", f), c("interest_rate"), c("first_due_on"); tenor != nil || rate != nil || due != nil {
		row.Input.Loan = &finance.LoanInput{TenorMonths: tenor}
		if rate != nil {
			r := money.Raw(strings.Replace(*rate, ",", ".", 1))
			row.Input.Loan.InterestRate = &r
		}
		if due != nil {
			day, ok := parseDate(*due)
			if !ok {
				f.Add("first_due_on", "must be a date as YYYY-MM-DD (or DD/MM/YYYY)")
			}
			row.Input.Loan.FirstDueOn = &day
		}
	}
	if row.Input.Program == nil {
		f.Add("program_code", "is required")
	}
	if row.Input.Amount == nil {
		f.Add("amount", "is required")
	}
	if row.Input.DisbursedOn == nil {
		f.Add("disbursed_on", "is required")
	}
	return row
}

// amount reads an amount in any form ParseLocal accepts and passes it on
// in plain form.
func (m *mapper) amount(v []string, name string, f finance.Fields) *money.Raw {
	s := m.cell(v, name)
	if s == nil {
		return nil
	}
	a, err := money.ParseLocal(*s)
	if err != nil {
		f.AddMsg(name, finance.AmountMsg(err))
		return nil
	}
	r := money.Raw(a.String())
	return &r
}

func (m *mapper) int(v []string, name string, f finance.Fields) *int {
	s := m.cell(v, name)
	if s == nil {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(*s, ".0"))
	if err != nil {
		f.Add(name, "must be a whole number")
		return nil
	}
	return &n
}

func ptr[T any](v T) *T { return &v }

var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseDate reads YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, or a spreadsheet's
// day number (an XLSX date cell read raw), and writes YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	for _, layout := range []string{"2006-01-02", "2/1/2006", "2-1-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	// Day numbers 18264 to 73051 are the years 1950 to 2099.
	if n, err := strconv.Atoi(s); err == nil && n >= 18264 && n <= 73051 {
		return excelEpoch.AddDate(0, 0, n).Format("2006-01-02"), true
	}
	return s, false
}
