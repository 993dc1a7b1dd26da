package web

import (
	"bufio"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// reconFields are finance.Reconciliation's JSON keys in order, with
// whether each is omitted when zero.
var reconFields = func() (out []reconField) {
	t := reflect.TypeFor[finance.Reconciliation]()
	for i := range t.NumField() {
		name, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, reconField{index: i, key: name, omitEmpty: opts == "omitempty"})
	}
	return
}()

type reconField struct {
	index     int
	key       string
	omitEmpty bool
}

// reconJSON is a finance.ReconciliationSink that writes the result as the
// API's JSON, byte for byte what c.JSON writes for the whole struct, each
// list element as the store reads it: the status goes out at Begin, so an
// error before it is answered as usual and one after only cuts the body.
type reconJSON struct {
	c       echo.Context
	status  int
	w       *bufio.Writer
	head    *finance.Reconciliation
	next    int  // the field to write next
	inList  bool // a list is open
	items   int  // written in the open list
	written int  // fields written
}

func (j *reconJSON) Begin(head *finance.Reconciliation) error {
	j.head = head
	r := j.c.Response()
	if r.Header().Get(echo.HeaderContentType) == "" {
		r.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	}
	r.WriteHeader(j.status)
	j.w = bufio.NewWriterSize(r, 1<<16)
	j.w.WriteByte('{')
	return nil
}

// upTo closes the open list and writes from src the fields before key
// (all that are left when key is "").
func (j *reconJSON) upTo(key string, src *finance.Reconciliation) error {
	if j.inList {
		j.w.WriteByte(']')
		j.inList = false
	}
	v := reflect.ValueOf(src).Elem()
	for ; j.next < len(reconFields) && reconFields[j.next].key != key; j.next++ {
		f := reconFields[j.next]
		x := v.Field(f.index)
		if f.omitEmpty && x.IsZero() {
			continue
		}
		b, err := json.Marshal(x.Interface())
		if err != nil {
			return err
		}
		j.field(f.key)
		j.w.Write(b)
	}
	return nil
}

func (j *reconJSON) field(key string) {
	if j.written++; j.written > 1 {
		j.w.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	j.w.Write(k)
	j.w.WriteByte(':')
}

func (j *reconJSON) Item(list string, v any) error {
	if !j.inList || reconFields[j.next].key != list {
		if j.inList {
			j.next++
		}
		if err := j.upTo(list, j.head); err != nil {
			return err
		}
		j.field(list)
		j.w.WriteByte('[')
		j.inList, j.items = true, 0
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if j.items++; j.items > 1 {
		j.w.WriteByte(',')
	}
	_, err = j.w.Write(b)
	return err
}

func (j *reconJSON) End(r *finance.Reconciliation) error {
	if j.inList {
		j.next++
	}
	if err := j.upTo("", r); err != nil {
		return err
	}
	j.w.WriteString("}\n")
	return j.w.Flush()
}

// streamed is each's error if the answer has not begun; once it has, the
// error is logged and the body left cut short (?pretty is not honoured).
func (s *Server) streamed(j *reconJSON, err error) error {
	if err != nil && j.w != nil {
		s.log.Error("reconciliation answer cut short", "err", err)
		return nil
	}
	return err
}

// reconTally passes a result on to next (nothing further when nil),
// keeping its id and counting its matches and unmatched lines for the
// metrics.
type reconTally struct {
	next               finance.ReconciliationSink
	id                 int64
	matched, unmatched int
}

func (t *reconTally) Begin(head *finance.Reconciliation) error {
	t.id = head.ID
	if t.next == nil {
		return nil
	}
	return t.next.Begin(head)
}

func (t *reconTally) Item(list string, v any) error {
	switch list {
	case "matched":
		t.matched++
	case "unmatched_lines":
		t.unmatched++
	}
	if t.next == nil {
		return nil
	}
	return t.next.Item(list, v)
}

func (t *reconTally) End(r *finance.Reconciliation) error {
	if t.next == nil {
		return nil
	}
	return t.next.End(r)
}
