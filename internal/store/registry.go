package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"pilar/internal/finance"
	"pilar/internal/money"
	"pilar/internal/report"
)

// HistoryRow is one recipient_history row: a recipient's size class,
// status and yearly figures from valid_from until its next row.
type HistoryRow struct {
	ID             int64
	RecipientID    int64
	ValidFrom      string
	SizeClass      string
	Active         *bool
	Members        *int
	LastRATYear    *int `gorm:"column:last_rat_year"`
	BusinessVolume *money.Amount
	Assets         *money.Amount
	Workforce      *int
}

// historyOf is the row of r's current values from the date validFrom
// (YYYY-MM-DD; nil: today).
func (s *Store) historyOf(ctx context.Context, r *finance.Recipient, validFrom *string) HistoryRow {
	h := figuresOf(r)
	h.ValidFrom = s.today(ctx)
	if validFrom != nil {
		h.ValidFrom = *validFrom
	}
	return h
}

// figuresOf is what the history keeps of r, without a date.
func figuresOf(r *finance.Recipient) HistoryRow {
	return HistoryRow{RecipientID: r.ID, SizeClass: r.SizeClass, Active: r.Active, Members: r.Members,
		LastRATYear: r.LastRATYear, BusinessVolume: r.BusinessVolume, Assets: r.Assets, Workforce: r.Workforce}
}

// recordHistory writes r's values as of validFrom, replacing a row of the
// same recipient and date, inside the caller's transaction.
func (s *Store) recordHistory(ctx context.Context, r *finance.Recipient, validFrom *string) error {
	h := s.historyOf(ctx, r, validFrom)
	db := s.conn(ctx)
	if err := db.Exec("DELETE FROM recipient_history WHERE recipient_id = ? AND valid_from = ?", h.RecipientID, h.ValidFrom).Error; err != nil {
		return err
	}
	return db.Exec(`INSERT INTO recipient_history (recipient_id, valid_from, size_class, active, members, last_rat_year,
  business_volume, assets, workforce, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		h.RecipientID, h.ValidFrom, h.SizeClass, h.Active, h.Members, h.LastRATYear, h.BusinessVolume, h.Assets, h.Workforce, s.now(ctx)).Error
}

// historyChanged reports whether an update touches what the history keeps.
func historyChanged(a, b *finance.Recipient) bool {
	return !sameFigures(figuresOf(a), figuresOf(b))
}

// sameFigures reports whether two history rows hold the same values (their
// dates aside).
func sameFigures(a, b HistoryRow) bool {
	return a.SizeClass == b.SizeClass && eqPtr(a.Active, b.Active) && eqPtr(a.Members, b.Members) &&
		eqPtr(a.LastRATYear, b.LastRATYear) && eqAmount(a.BusinessVolume, b.BusinessVolume) &&
		eqAmount(a.Assets, b.Assets) && eqPtr(a.Workforce, b.Workforce)
}

func eqAmount(a, b *money.Amount) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

// RecipientHistory lists a recipient's history, oldest first.
// Errors: unauthorized, not_found.
func (s *Store) RecipientHistory(ctx context.Context, id int64) ([]HistoryRow, error) {
	if _, err := finance.AuthorizeRead(ctx, nil); err != nil {
		return nil, err
	}
	if _, err := s.recipientByID(ctx, id); err != nil {
		return nil, err
	}
	out := []HistoryRow{}
	err := s.conn(ctx).Raw("SELECT * FROM recipient_history WHERE recipient_id = ? ORDER BY valid_from", id).Scan(&out).Error
	return out, err
}

// registryState is what the registry reads of one history row: its
// recipient, whether it holds by the previous date, its size class and
// figures, the recipient's kind and the value grouped by; the name and
// region of a koperasi (for the RAT overdue list), empty for others.
type registryState struct {
	RecipientID                     int64
	ByPrev                          bool
	SizeClass                       string
	Active                          *bool
	LastRATYear                     *int
	BusinessVolume, Assets          *money.Amount
	Workforce                       *int
	Kind, Key, Name, KoperasiRegion string
}

// registryKeys are the columns (over recipient_history h and recipients r)
// of the registry's groupings.
var registryKeys = map[string]string{"kind": "r.kind", "size_class": "h.size_class", "sector": "r.sector", "region": "r.region_code"}

// RegistryReport counts the registry as of f.AsOf from the recipients'
// history: a recipient counts from the valid_from of its first row, in the
// size class and status of its latest row up to the date. Recipients are a
// shared registry, so agency and funding source do not narrow it.
// Errors: unauthorized, bad_request (as_of, group_by).
func (s *Store) RegistryReport(ctx context.Context, f report.Filter) (*report.Registry, error) {
	if _, err := finance.AuthorizeRead(ctx, nil); err != nil {
		return nil, err
	}
	if err := f.Check(report.KindRegistry); err != nil {
		return nil, err
	}
	if f.AsOf == "" {
		f.AsOf = s.today(ctx)
	}
	asOfT, prevT, err := report.AsOfDates(f, s.now(ctx))
	if err != nil {
		return nil, err
	}
	asOf, prev := asOfT.Format(time.DateOnly), prevT.Format(time.DateOnly)
	where, args := "h.valid_from <= ?", []any{asOf}
	if f.Region != "" {
		if finance.ValidRegionFormat(f.Region) != "" {
			return nil, finance.Errorf(finance.EBadRequest, "region must be a Kemendagri region code such as 64 or 64.72")
		}
		where += " AND (r.region_code = ? OR r.region_code LIKE ? ESCAPE '\\')"
		args = append(args, f.Region, likeEscape(f.Region)+".%")
	}
	out := &report.Registry{AsOf: asOf, PrevAsOf: prev, GroupBy: f.GroupBy, Region: f.Region, Rows: []report.RegistryRow{}, RATOverdue: []report.OverdueKoperasi{}}
	rows := map[string]*report.RegistryFigures{}
	row := func(key string) *report.RegistryFigures {
		if rows[key] == nil {
			rows[key] = &report.RegistryFigures{}
		}
		return rows[key]
	}
	lastFY := asOfT.Year() - 1
	// hist is one recipient's rows, oldest first, all up to as_of.
	err = s.registryStates(ctx, registryKeys[f.GroupBy], prev, where, args, f.Region == "", func(hist []registryState) {
		now := &hist[len(hist)-1]
		var then *registryState
		naik := int64(0)
		for k := range hist {
			if hist[k].ByPrev {
				then = &hist[k]
			} else if k > 0 && report.SizeRank(hist[k-1].SizeClass) > 0 && report.SizeRank(hist[k].SizeClass) > report.SizeRank(hist[k-1].SizeClass) {
				naik++
			}
		}
		r := row(now.Key)
		r.Count++
		r.NaikKelas += naik
		if now.Workforce != nil {
			r.Workforce += int64(*now.Workforce)
		}
		if then != nil {
			row(then.Key).CountPrev++
		}
		if now.Kind != "koperasi" {
			return
		}
		k := &out.Koperasi
		k.Total++
		active := now.Active == nil || *now.Active
		if active {
			k.Active++
		} else {
			k.Inactive++
		}
		held := now.LastRATYear != nil && *now.LastRATYear >= lastFY
		if !held {
			k.RATOverdue++
			out.RATOverdue = append(out.RATOverdue, report.OverdueKoperasi{ID: now.RecipientID, Name: now.Name,
				RegionCode: now.KoperasiRegion, Active: active, LastRATYear: now.LastRATYear})
			return
		}
		k.RATHeld++
		if then != nil && grew(then.BusinessVolume, now.BusinessVolume) && grew(then.Assets, now.Assets) {
			k.Improved++
		}
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fig := *rows[k]
		fig.Finish()
		out.Rows = append(out.Rows, report.RegistryRow{Key: k, Label: report.RegistryLabel(f.GroupBy, k), RegistryFigures: fig})
		out.Totals.Add(fig)
	}
	out.Totals.Finish()
	return out, nil
}

// registryStates reads the history rows up to the date with key (the
// column grouped by) and whether each holds by prev, in recipient and date
// order, and calls fn with each recipient's rows, oldest first (the slice
// is reused). It scans each row itself and holds one recipient's rows at
// a time: a registry holds hundreds of thousands of rows, and gorm's
// reflection per row and column, and a slice of them all, cost several
// times the query. For the same reason it reads only the columns the
// registry counts with, and a name and region only for a koperasi: each
// text column read is a string made for every row. The rows are read
// beside fn; on SQLite a whole registry (whole: where narrows by date
// only) by ranges of recipients on two connections, since SQLite's
// stepping through the join is most of the report's time (issue 16).
func (s *Store) registryStates(ctx context.Context, key, prev, where string, args []any, whole bool, fn func(hist []registryState)) error {
	q := `SELECT h.recipient_id, h.valid_from <= ?, h.size_class, h.active, h.last_rat_year,
  h.business_volume, h.assets, h.workforce, r.kind, ` + key + `,
  CASE WHEN r.kind = 'koperasi' THEN r.name ELSE '' END, CASE WHEN r.kind = 'koperasi' THEN r.region_code ELSE '' END
FROM recipient_history h JOIN recipients r ON r.id = h.recipient_id
WHERE ` + where
	args = append([]any{prev}, args...)
	scan := func(rows *sql.Rows, st *registryState) (bool, error) {
		return true, rows.Scan(&st.RecipientID, &st.ByPrev, &st.SizeClass, &st.Active, &st.LastRATYear,
			&st.BusinessVolume, &st.Assets, &st.Workforce, &st.Kind, &st.Key, &st.Name, &st.KoperasiRegion)
	}
	var hist []registryState
	each := func(st *registryState) error {
		if len(hist) > 0 && hist[0].RecipientID != st.RecipientID {
			fn(hist)
			hist = hist[:0]
		}
		hist = append(hist, *st)
		return nil
	}
	var err error
	if s.readsApart(ctx) && whole {
		err = readRanges(ctx, s, "SELECT COALESCE(MIN(recipient_id), 1), COALESCE(MAX(recipient_id), 0) FROM recipient_history",
			q+" AND h.recipient_id BETWEEN ? AND ? ORDER BY h.recipient_id, h.valid_from", args, scan, each)
	} else {
		var rows *sql.Rows
		if rows, err = s.conn(ctx).Raw(q+" ORDER BY h.recipient_id, h.valid_from", args...).Rows(); err == nil {
			err = readBeside(rows, scan, each)
		}
	}
	if err != nil {
		return err
	}
	if len(hist) > 0 {
		fn(hist)
	}
	return nil
}

// grew reports whether a figure is known at both dates and larger at the later.
func grew(before, after *money.Amount) bool {
	return before != nil && after != nil && after.Cmp(*before) > 0
}

// BulkRecipient is a recipient with its history, for BulkRecipients.
type BulkRecipient struct {
	Recipient *finance.Recipient
	History   []HistoryRow // oldest first; the recipient holds the values of the last
}

// bulkValues is how many values one INSERT binds (SQLite allows 32766,
// PostgreSQL 65535).
const bulkValues = 30000

// BulkBatch is the audit entry of one BulkRecipients call: what the rows
// are and the ids they took.
type BulkBatch struct {
	What        string `json:"what"`
	FirstID     int64  `json:"first_id"`
	LastID      int64  `json:"last_id"`
	Recipients  int    `json:"recipients"`
	HistoryRows int    `json:"history_rows"`
}

// BulkRecipients inserts already valid recipients and their history with
// multi-row INSERTs in one transaction, with one audit entry for the batch
// (action bulk_create, entity recipients, entity id "first-last") instead
// of one per row: it is for generated data (the demo), where thousands of
// service calls would take too long; what says what the rows are.
// Errors: unauthorized, forbidden.
func (s *Store) BulkRecipients(ctx context.Context, what string, rs []BulkRecipient) error {
	if _, err := finance.Authorize(ctx, finance.ActEditRecipient, nil); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if s.driver == "postgres" {
			if err := db.Exec("LOCK TABLE recipients IN EXCLUSIVE MODE").Error; err != nil {
				return err
			}
		}
		var next int64
		if err := db.Raw("SELECT COALESCE(MAX(id), 0) FROM recipients").Scan(&next).Error; err != nil {
			return err
		}
		now := s.now(ctx) // the audit entry's instant, in UTC as every other row's
		var hist []HistoryRow
		for _, b := range rs {
			next++
			b.Recipient.ID, b.Recipient.CreatedAt, b.Recipient.UpdatedAt = next, now, now
			for _, h := range b.History {
				h.RecipientID = next
				hist = append(hist, h)
			}
		}
		err := s.bulkInsert(ctx, `INSERT INTO recipients (id, kind, name, owner_name, nik, nib, sector, size_class, region_code, legal_number,
  members, last_rat_year, active, business_volume, assets, workforce, created_at, updated_at)`, 18, len(rs), func(i int, args []any) []any {
			r := rs[i].Recipient
			return append(args, r.ID, r.Kind, r.Name, r.OwnerName, r.NIK, r.NIB, r.Sector, r.SizeClass, r.RegionCode, r.LegalNumber,
				r.Members, r.LastRATYear, r.Active, r.BusinessVolume, r.Assets, r.Workforce, now, now)
		})
		if err != nil {
			return translate(err, "a bulk recipient")
		}
		err = s.bulkInsert(ctx, `INSERT INTO recipient_history (recipient_id, valid_from, size_class, active, members, last_rat_year,
  business_volume, assets, workforce, created_at)`, 10, len(hist), func(i int, args []any) []any {
			h := hist[i]
			return append(args, h.RecipientID, h.ValidFrom, h.SizeClass, h.Active, h.Members, h.LastRATYear, h.BusinessVolume, h.Assets, h.Workforce, now)
		})
		if err != nil {
			return err
		}
		if s.driver == "postgres" {
			if err := db.Exec("SELECT setval(pg_get_serial_sequence('recipients', 'id'), (SELECT MAX(id) FROM recipients))").Error; err != nil {
				return err
			}
		}
		b := BulkBatch{What: what, FirstID: rs[0].Recipient.ID, LastID: next, Recipients: len(rs), HistoryRows: len(hist)}
		return s.audit(ctx, "bulk_create", "recipients", fmt.Sprintf("%d-%d", b.FirstID, b.LastID), nil, b)
	})
}

// bulkInsert runs head VALUES (...), ... for n rows of cols values each
// (row appends row i's values to args), bulkValues values per statement,
// on the transaction's own connection: at a hundred thousand rows, gorm's
// building of the statement would cost a third of the time.
func (s *Store) bulkInsert(ctx context.Context, head string, cols, n int, row func(i int, args []any) []any) error {
	pool := s.conn(ctx).Statement.ConnPool
	per := bulkValues / cols
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		var sb strings.Builder
		sb.WriteString(head)
		sb.WriteString(" VALUES ")
		args := make([]any, 0, (hi-lo)*cols)
		for i := lo; i < hi; i++ {
			if i > lo {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for c := range cols {
				if c > 0 {
					sb.WriteByte(',')
				}
				if s.driver == "postgres" {
					sb.WriteString("$" + strconv.Itoa(len(args)+c+1))
				} else {
					sb.WriteByte('?')
				}
			}
			sb.WriteByte(')')
			args = row(i, args)
		}
		if _, err := pool.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
