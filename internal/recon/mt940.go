package recon

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// maxFileLine is the longest physical line a text statement may have.
const maxFileLine = 1 << 20

var mtTag = regexp.MustCompile(`^:([0-9]{2}[A-Z]?):(.*)$`)

type mtField struct {
	tag   string
	lines []string // the first line's value, then continuation lines
	n     int      // line number of the tag
}

type mtReader struct {
	opt  Options
	out  []*Statement
	cur  *Statement
	at   int  // line of the current statement's first field
	hasO bool // current statement has an opening balance
	hasC bool
	// endedM: the statement's last page closed with :62M:, so a page
	// opening with :60M: continues it.
	endedM  map[*Statement]bool
	pending *Line // the last :61:, waiting for its :86:
	skip86  bool  // the last :61: could not be read: drop its :86:
}

// ReadMT940 reads a SWIFT MT940 customer statement file: with or without
// the {1:}{2:}{4: blocks, indented or not, one or several statements and
// accounts, statements continued over several pages (:60M:/:62M:). An
// unreadable :61: line is a Problem and the rest is read. Errors:
// *ReadError (no statement, a balance that cannot be read, a statement
// without an opening or closing balance), *CurrencyError.
func ReadMT940(r io.Reader, opt Options) ([]*Statement, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxFileLine)
	m := &mtReader{opt: opt, endedM: map[*Statement]bool{}}
	var f *mtField
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), " \t\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if strings.IndexByte(line, 0) >= 0 {
			return nil, &ReadError{Line: n, Reason: "the file holds binary data; it is not an MT940 text file"}
		}
		line = strings.TrimLeft(line, " \t")
		if strings.HasPrefix(line, "{") {
			// {1:F01BANK...}{2:O940...}{4: — the statement text may follow on the same line
			i := strings.Index(line, "{4:")
			if i < 0 {
				continue
			}
			line = strings.TrimLeft(line[i+3:], " \t")
			if line == "" {
				continue
			}
		}
		if line == "-" || strings.HasPrefix(line, "-}") || strings.HasPrefix(line, "}") {
			if err := m.field(f); err != nil {
				return nil, err
			}
			f = nil
			continue
		}
		if sm := mtTag.FindStringSubmatch(line); sm != nil {
			if err := m.field(f); err != nil {
				return nil, err
			}
			f = &mtField{tag: sm[1], lines: []string{sm[2]}, n: n}
			continue
		}
		if f != nil && line != "" {
			f.lines = append(f.lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ReadError{Line: n + 1, Reason: "a line is longer than 1 MiB; this is not an MT940 file"}
		}
		return nil, &ReadError{Line: n, Reason: err.Error()}
	}
	if err := m.field(f); err != nil {
		return nil, err
	}
	if err := m.finish(); err != nil {
		return nil, err
	}
	if len(m.out) == 0 {
		return nil, &ReadError{Line: 1, Reason: "no MT940 statement found (no :20:, :25: and :60F: fields)"}
	}
	for _, st := range m.out {
		st.period()
	}
	return m.out, nil
}

func (m *mtReader) start(n int) error {
	if err := m.finish(); err != nil {
		return err
	}
	m.cur = &Statement{Currency: m.opt.currency(), HasBalances: true}
	m.at, m.hasO, m.hasC = n, false, false
	return nil
}

func (m *mtReader) finish() error {
	m.flushLine()
	st := m.cur
	if st == nil {
		return nil
	}
	m.cur = nil
	switch {
	case !m.hasO && !m.hasC && len(st.Lines) == 0:
		return nil // a message without a statement in it
	case !m.hasO:
		return &ReadError{Line: m.at, Reason: "the statement starting here has no opening balance (:60F:)"}
	case !m.hasC:
		return &ReadError{Line: m.at, Reason: "the statement starting here has no closing balance (:62F:)"}
	}
	for _, s := range m.out {
		if s == st {
			return nil // a continued page: already listed
		}
	}
	m.out = append(m.out, st)
	return nil
}

func (m *mtReader) flushLine() {
	if m.pending != nil && m.cur != nil {
		m.cur.Lines = append(m.cur.Lines, *m.pending)
	}
	m.pending = nil
}

func (m *mtReader) field(f *mtField) error {
	if f == nil {
		return nil
	}
	if f.tag == "20" {
		return m.start(f.n)
	}
	if m.cur == nil {
		if err := m.start(f.n); err != nil {
			return err
		}
	}
	st := m.cur
	v := strings.TrimSpace(f.lines[0])
	switch f.tag {
	case "25":
		st.Account = mtAccount(v)
	case "28", "28C":
		st.Number = v
	case "60F", "60M":
		c, d, sen, err := mtBalance(v)
		if err != nil {
			return &ReadError{Line: f.n, Reason: "opening balance :" + f.tag + ": " + err.Error()}
		}
		if c != m.opt.currency() {
			return &CurrencyError{Line: f.n, Got: c, Expected: m.opt.currency()}
		}
		if f.tag == "60M" {
			if prev := m.continued(st.Account); prev != nil {
				prev.Problems = append(prev.Problems, st.Problems...)
				prev.Lines = append(prev.Lines, st.Lines...)
				m.cur, st = prev, prev
				delete(m.endedM, prev)
				m.hasO = true
				return nil
			}
		}
		st.OpeningSen, st.From, m.hasO = sen, d, true
	case "61":
		m.flushLine()
		l, err := mtLine(f.lines)
		if err != nil {
			st.Problems = append(st.Problems, Problem{f.n, ":61: " + err.Error()})
			m.skip86 = true
			return nil
		}
		if len(st.Lines) >= maxLines {
			return &ReadError{Line: f.n, Reason: fmt.Sprintf("a statement may hold at most %d lines", maxLines)}
		}
		l.N = f.n
		m.pending, m.skip86 = &l, false
	case "86":
		if m.skip86 {
			m.skip86 = false
			return nil
		}
		if m.pending != nil {
			mtInfo(m.pending, f.lines)
			m.flushLine()
		}
	case "62F", "62M":
		m.flushLine()
		c, d, sen, err := mtBalance(v)
		if err != nil {
			return &ReadError{Line: f.n, Reason: "closing balance :" + f.tag + ": " + err.Error()}
		}
		if c != m.opt.currency() {
			return &CurrencyError{Line: f.n, Got: c, Expected: m.opt.currency()}
		}
		st.ClosingSen, st.To, m.hasC = sen, d, true
		if f.tag == "62M" {
			m.endedM[st] = true
			// the page ends here; keep it listed so a :60M: page can continue it
			if err := m.finish(); err != nil {
				return err
			}
		}
	}
	return nil
}

// continued returns the statement of account whose last page closed with :62M:.
func (m *mtReader) continued(account string) *Statement {
	for i := len(m.out) - 1; i >= 0; i-- {
		if m.endedM[m.out[i]] && m.out[i].Account == account {
			return m.out[i]
		}
	}
	return nil
}

// mtAccount takes the account number out of :25: — "BRINIDJA/0123456789",
// "0123456789IDR" or "0123456789".
func mtAccount(v string) string {
	if i := strings.LastIndexByte(v, '/'); i >= 0 && i < len(v)-1 {
		v = v[i+1:]
	}
	if len(v) > 3 {
		tail := v[len(v)-3:]
		if strings.ToUpper(tail) == tail && strings.Trim(tail, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" &&
			v[len(v)-4] >= '0' && v[len(v)-4] <= '9' {
			v = v[:len(v)-3]
		}
	}
	return strings.TrimSpace(v)
}

// mtBalance reads C240701IDR1000000,00: mark, date, currency, amount.
func mtBalance(v string) (currency, date string, sen int64, err error) {
	if len(v) < 11 {
		return "", "", 0, errors.New("is too short; expected a mark, a date, a currency and an amount such as C240701IDR1000000,00")
	}
	mark := v[0]
	if mark != 'C' && mark != 'D' {
		return "", "", 0, fmt.Errorf("mark %q is neither C nor D", v[:1])
	}
	if date, err = swiftDate(v[1:7]); err != nil {
		return "", "", 0, err
	}
	currency = strings.ToUpper(v[7:10])
	if strings.Trim(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return "", "", 0, fmt.Errorf("currency %q is not three letters", v[7:10])
	}
	if sen, err = parseSwiftAmount(strings.TrimSpace(v[10:])); err != nil {
		return "", "", 0, fmt.Errorf("amount %q %v", clip(v[10:]), err)
	}
	if mark == 'D' {
		sen = -sen
	}
	return currency, date, sen, nil
}

// mtLine reads a :61: field: value date, optional entry date, mark (C, D,
// RC, RD), optional funds code, amount, transaction type, customer and
// bank references, and supplementary details on the next line.
func mtLine(lines []string) (Line, error) {
	var l Line
	v := strings.TrimSpace(lines[0])
	if len(v) < 6 {
		return l, errors.New("is too short; expected a date YYMMDD first")
	}
	vd, err := swiftDate(v[:6])
	if err != nil {
		return l, fmt.Errorf("value date %q %v", v[:6], err)
	}
	l.ValueDate, l.BookingDate = vd, vd
	rest := v[6:]
	if len(rest) >= 4 && digits(rest[:4]) {
		if bd, ok := entryDate(vd, rest[:4]); ok {
			l.BookingDate = bd
		} else {
			return l, fmt.Errorf("entry date %q is not MMDD", rest[:4])
		}
		rest = rest[4:]
	}
	sign := int64(0)
	for _, mk := range []struct {
		mark string
		sign int64
	}{{"RC", -1}, {"RD", 1}, {"EC", 1}, {"ED", -1}, {"C", 1}, {"D", -1}} {
		if strings.HasPrefix(rest, mk.mark) {
			sign, rest = mk.sign, rest[len(mk.mark):]
			break
		}
	}
	if sign == 0 {
		return l, fmt.Errorf("mark %q is none of C, D, RC, RD", clip(firstN(rest, 2)))
	}
	if len(rest) > 0 && rest[0] >= 'A' && rest[0] <= 'Z' {
		rest = rest[1:] // funds code: the third letter of the currency code
	}
	i := 0
	for i < len(rest) && (digits(rest[i:i+1]) || rest[i] == ',') {
		i++
	}
	sen, err := parseSwiftAmount(rest[:i])
	if err != nil {
		return l, fmt.Errorf("amount %q %v", clip(rest[:i]), err)
	}
	if sen == 0 {
		return l, errors.New("amount is zero")
	}
	l.AmountSen = sign * sen
	rest = rest[i:]
	if len(rest) >= 4 && strings.ContainsRune("NSF", rune(rest[0])) {
		rest = rest[4:]
	}
	ref, bankRef, _ := strings.Cut(rest, "//")
	ref = strings.TrimSpace(ref)
	if strings.EqualFold(ref, "NONREF") {
		ref = ""
	}
	l.Reference = ref
	l.Description = strings.TrimSpace(bankRef)
	if len(lines) > 1 {
		l.Description = strings.TrimSpace(strings.TrimSpace(l.Description + " " + strings.Join(lines[1:], " ")))
	}
	return l, nil
}

// entryDate puts MMDD in the year of the value date, or the next or the
// previous one across New Year.
func entryDate(valueDate, mmdd string) (string, bool) {
	year := valueDate[:4]
	d, err := ParseDate(year+"-"+mmdd[:2]+"-"+mmdd[2:], "2006-01-02")
	if err != nil || len(d) != 10 || d[5:7] != mmdd[:2] {
		return "", false
	}
	vm, em := valueDate[5:7], mmdd[:2]
	y := atoi(year)
	switch {
	case vm == "12" && em == "01":
		y++
	case vm == "01" && em == "12":
		y--
	}
	d, err = ParseDate(fmt.Sprintf("%04d-%s-%s", y, mmdd[:2], mmdd[2:]), "2006-01-02")
	return d, err == nil
}

var subfield = regexp.MustCompile(`\?([0-9]{2})`)

// mtInfo reads a :86: field onto the line: structured ?nn subfields
// (booking text, purpose, counterparty account and name, EREF+) or free
// text. Lines wrapped at the 65-character limit are joined without a
// space, since the break may fall inside a word or a reference.
func mtInfo(l *Line, lines []string) {
	var b strings.Builder
	for i, s := range lines {
		if i > 0 && len(lines[i-1]) < 65 && !strings.HasPrefix(s, "?") {
			b.WriteByte(' ')
		}
		b.WriteString(strings.TrimSpace(s))
	}
	text := b.String()
	if q := strings.IndexByte(text, '?'); q >= 0 && q <= 3 && subfield.MatchString(text[q:]) {
		idx := subfield.FindAllStringSubmatchIndex(text, -1)
		var purpose, name []string
		for k, ix := range idx {
			end := len(text)
			if k+1 < len(idx) {
				end = idx[k+1][0]
			}
			code, raw := text[ix[2]:ix[3]], text[ix[1]:end]
			val := strings.TrimSpace(raw)
			switch {
			case code >= "20" && code <= "29", code >= "60" && code <= "63":
				purpose = append(purpose, raw)
			case code == "31":
				l.CounterpartyAccount = val
			case code == "32" || code == "33":
				name = append(name, raw)
			case code == "00":
				if l.Description == "" {
					l.Description = val
				}
			}
		}
		p := strings.TrimSpace(strings.Join(purpose, ""))
		if ref := keyword(p, "EREF+"); ref != "" && l.Reference == "" {
			l.Reference = ref
		}
		l.CounterpartyName = strings.TrimSpace(strings.Join(name, ""))
		l.Description = strings.TrimSpace(strings.TrimSpace(l.Description + " " + p))
		return
	}
	if ref := keyword(text, "EREF+"); ref != "" && l.Reference == "" {
		l.Reference = ref
	}
	if l.Description != "" {
		text = l.Description + " " + text
	}
	l.Description = strings.TrimSpace(text)
}

// keyword returns the value after key up to the next XXXX+ keyword.
func keyword(s, key string) string {
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	v := s[i+len(key):]
	for j := 0; j+5 <= len(v); j++ {
		if v[j+4] == '+' && strings.Trim(v[j:j+4], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" && j > 0 {
			return strings.TrimSpace(v[:j])
		}
	}
	return strings.TrimSpace(v)
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
