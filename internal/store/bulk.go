package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// column is a column insertRows writes, with its PostgreSQL type.
type column struct{ name, pgType string }

// insertRows inserts rows (each the values of cols, in order) into table
// inside the transaction in ctx, sent through the transaction's connection
// without GORM's per-argument work: on SQLite as few multi-row INSERTs as
// the bind limit (bulkValues) allows, on PostgreSQL one INSERT ... SELECT
// FROM unnest of one array per column. With returning it gives back the
// new ids in the order of rows: ids are handed out in the order the rows
// are written, on both engines, so the sorted ids are the rows' ids.
func (s *Store) insertRows(ctx context.Context, table string, cols []column, rows [][]any, returning bool) ([]int64, error) {
	pool := s.conn(ctx).Statement.ConnPool
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = `"` + c.name + `"`
	}
	head := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") "
	per := max(1, bulkValues/len(cols))
	if s.driver == "postgres" {
		per = max(1, len(rows))
	}
	var ids []int64
	for lo := 0; lo < len(rows); lo += per {
		part := rows[lo:min(lo+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		var args []any
		if s.driver == "postgres" {
			sb.WriteString("SELECT * FROM unnest(")
			args = make([]any, len(cols))
			for j, c := range cols {
				if j > 0 {
					sb.WriteString(", ")
				}
				fmt.Fprintf(&sb, "$%d::%s[]", j+1, c.pgType)
				col := make([]any, len(part))
				for i, r := range part {
					v, err := driver.DefaultParameterConverter.ConvertValue(r[j])
					if err != nil {
						return nil, err
					}
					col[i] = v
				}
				args[j] = col
			}
			sb.WriteString(")")
		} else {
			sb.WriteString("VALUES ")
			args = make([]any, 0, len(part)*len(cols))
			for i, r := range part {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('(')
				for j, v := range r {
					if j > 0 {
						sb.WriteByte(',')
					}
					args = append(args, v)
					sb.WriteByte('?')
				}
				sb.WriteByte(')')
			}
		}
		if !returning {
			if _, err := pool.ExecContext(ctx, sb.String(), args...); err != nil {
				return nil, s.translateBulk(err)
			}
			continue
		}
		sb.WriteString(" RETURNING id")
		got, err := queryIDs(ctx, pool, sb.String(), args)
		if err != nil {
			return nil, s.translateBulk(err)
		}
		if len(got) != len(part) {
			return nil, fmt.Errorf("insert into %s: %d ids for %d rows", table, len(got), len(part))
		}
		slices.Sort(got)
		ids = append(ids, got...)
	}
	return ids, nil
}

func queryIDs(ctx context.Context, pool gorm.ConnPool, q string, args []any) ([]int64, error) {
	rows, err := pool.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// scanEach runs q and calls scan on each row it gives.
func scanEach(q *gorm.DB, scan func(rows *sql.Rows) error) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// translateBulk is a driver error of a bulk insert as GORM says it (a
// unique violation is gorm.ErrDuplicatedKey), as if GORM had sent it.
func (s *Store) translateBulk(err error) error {
	if t, ok := s.db.Dialector.(gorm.ErrorTranslator); ok {
		return t.Translate(err)
	}
	return err
}

// byKeys is a lookup of rows by a list of keys: SELECT sel FROM from
// WHERE col IN keys AND cond (cond's args after the keys; none when cond
// is empty), then tail (an ORDER BY of sel's columns, say). On PostgreSQL
// it is one index probe per key, a LATERAL subquery kept apart by OFFSET
// 0, whatever the statistics say: in an import's transaction they are
// those of a smaller table than the one read (recipients imported a
// minute before, disbursements grown by the import itself), and 500 keys
// in an IN list were estimated to match 40 % of the table, which was read
// whole for each set (13-29 ms a lookup at 200,000 rows). One key is one
// equality, which PostgreSQL plans as a probe anyway, and IN then (an
// approval's flag facts: the LATERAL form made it 0.5 ms slower).
func byKeys[K int64 | string](s *Store, db *gorm.DB, sel, from, col string, keys []K, cond, tail string, args ...any) *gorm.DB {
	if cond != "" {
		cond = " AND " + cond
	}
	if s.driver != "postgres" || len(keys) == 1 {
		return db.Raw("SELECT "+sel+" FROM "+from+" WHERE "+col+" IN ?"+cond+" "+tail, append([]any{keys}, args...)...)
	}
	array, typ := "", "text"
	if ints, ok := any(keys).([]int64); ok {
		array, typ = pgIntArray(ints), "bigint"
	} else {
		array = pgTextArray(any(keys).([]string))
	}
	return db.Raw("SELECT x.* FROM unnest(?::"+typ+"[]) AS k(v) CROSS JOIN LATERAL (SELECT "+sel+" FROM "+from+" WHERE "+col+" = k.v"+cond+" OFFSET 0) x "+tail,
		append([]any{array}, args...)...)
}

// pgIntArray writes integers as a PostgreSQL array literal.
func pgIntArray(items []int64) string {
	b := make([]byte, 0, len(items)*8+2)
	b = append(b, '{')
	for i, n := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, n, 10)
	}
	return string(append(b, '}'))
}

// pgTextArray writes strings as a PostgreSQL array literal, each quoted.
func pgTextArray(items []string) string {
	var b strings.Builder
	b.Grow(len(items) * 67)
	b.WriteByte('{')
	for i, h := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('"')
		for _, c := range []byte(h) {
			if c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		}
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}

// chunks splits values into parts of at most 500, for IN lists.
func chunks[T any](values []T) func(yield func([]T) bool) {
	return func(yield func([]T) bool) {
		for lo := 0; lo < len(values); lo += 500 {
			if !yield(values[lo:min(lo+500, len(values))]) {
				return
			}
		}
	}
}

// distinct is values sorted, each once.
func distinct[T cmp.Ordered](values []T) []T {
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}
