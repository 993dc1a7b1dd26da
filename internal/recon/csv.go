package recon

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// CSVProfile maps one bank's CSV export onto statement lines. Each field
// names the column (case-insensitive); several names may be given
// separated by "|", the first present wins. Empty fields take the default
// column names of FORMATS.md. Rows above the header (bank exports start
// with the account and period) are skipped until the header is found.
type CSVProfile struct {
	BookingDate         string `yaml:"booking_date"`
	ValueDate           string `yaml:"value_date"`
	Amount              string `yaml:"amount"` // signed, or unsigned with debit_credit
	Debit               string `yaml:"debit"`  // money out, a positive number
	Credit              string `yaml:"credit"` // money in
	DebitCredit         string `yaml:"debit_credit"`
	Reference           string `yaml:"reference"`
	CounterpartyAccount string `yaml:"counterparty_account"`
	CounterpartyName    string `yaml:"counterparty_name"`
	Description         string `yaml:"description"`
	Balance             string `yaml:"balance"` // running balance after the row
	Currency            string `yaml:"currency"`
	DateFormat          string `yaml:"date_format"` // a Go layout such as 02/01/2006
}

// DefaultCSV is the column layout of FORMATS.md.
var DefaultCSV = CSVProfile{
	BookingDate: "booking_date", ValueDate: "value_date", Amount: "amount", Debit: "debit", Credit: "credit",
	DebitCredit: "debit_credit", Reference: "reference", CounterpartyAccount: "counterparty_account",
	CounterpartyName: "counterparty_name", Description: "description", Balance: "balance", Currency: "currency",
}

// BankProfiles are the exports of banks that pay for Indonesian government
// offices, as shipped in config.yaml; config.yaml may change or add them.
// Each lists the layouts found in public descriptions of the banks'
// exports first, then the older guesses (see config.yaml for which are
// verified and which assumed):
//   - bri: the CMS/e-statement CSV (ID, NOREK, TGL_TRAN, TGL_EFEKTIF, JAM_TRAN,
//     SEQ, DESK_TRAN, SALDO_AWAL_MUTASI, MUTASI_DEBIT, MUTASI_KREDIT,
//     SALDO_AKHIR_MUTASI; the payment reference is inside DESK_TRAN) and the
//     rekening koran (Tanggal Transaksi, Uraian Transaksi, Teller, Debet,
//     Kredit, Saldo);
//   - mandiri: the MCM export (Tgl., Tgl. Val., Rincian Transaksi, No. Referensi,
//     Debit, Kredit, Saldo, Branch Code);
//   - bni: the BNIDirect export (No., Tanggal Kirim, Cabang, Journal No.,
//     Deskripsi, Amount, Db/ Cr);
//   - bankaltimtara: assumed, no public description found.
var BankProfiles = map[string]CSVProfile{
	"bri": {BookingDate: "tgl_tran|tanggal transaksi|tgl transaksi|tanggal", ValueDate: "tgl_efektif",
		Description: "desk_tran|uraian transaksi|keterangan",
		Debit:       "mutasi_debit|debet|mutasi debet|debit", Credit: "mutasi_kredit|kredit|mutasi kredit|credit",
		Balance:   "saldo_akhir_mutasi|saldo|saldo akhir",
		Reference: "no. referensi|referensi|no_ref|reference", CounterpartyAccount: "rekening lawan|no. rekening lawan",
		CounterpartyName: "nama lawan|nama rekening lawan"},
	"mandiri": {BookingDate: "tgl.|posting date|date|tanggal", ValueDate: "tgl. val.|val. date|value date",
		Description: "rincian transaksi|remarks|description|keterangan",
		Reference:   "no. referensi|reference no.|reference no", Debit: "debit", Credit: "kredit|credit", Balance: "saldo|balance",
		CounterpartyAccount: "beneficiary account|rekening tujuan", CounterpartyName: "beneficiary name|nama penerima"},
	"bni": {BookingDate: "tanggal kirim|post date|tanggal", ValueDate: "value date", Description: "deskripsi|description|keterangan",
		Reference: "journal no.|no. jurnal|reference", Amount: "amount|nominal", DebitCredit: "db/ cr|db/cr|d/k", Balance: "balance|saldo",
		CounterpartyAccount: "account no.|rekening lawan", CounterpartyName: "account name|nama lawan"},
	"bankaltimtara": {BookingDate: "tanggal|tgl", Description: "keterangan|uraian", Reference: "no. referensi|no referensi|referensi",
		Debit: "debet|debit", Credit: "kredit", Balance: "saldo", CounterpartyAccount: "rekening tujuan|rekening lawan",
		CounterpartyName: "nama tujuan|nama lawan"},
}

func (p CSVProfile) orDefault() CSVProfile {
	d := DefaultCSV
	pick := func(v, def string) string {
		if v != "" {
			return v
		}
		return def
	}
	if p.Debit != "" || p.Credit != "" || p.DebitCredit != "" {
		// a profile that names its own debit/credit columns should not pick up the default names
		d.Debit, d.Credit, d.DebitCredit = "", "", ""
	}
	return CSVProfile{
		BookingDate: pick(p.BookingDate, d.BookingDate), ValueDate: pick(p.ValueDate, d.ValueDate),
		Amount: pick(p.Amount, d.Amount), Debit: pick(p.Debit, d.Debit), Credit: pick(p.Credit, d.Credit),
		DebitCredit: pick(p.DebitCredit, d.DebitCredit), Reference: pick(p.Reference, d.Reference),
		CounterpartyAccount: pick(p.CounterpartyAccount, d.CounterpartyAccount),
		CounterpartyName:    pick(p.CounterpartyName, d.CounterpartyName), Description: pick(p.Description, d.Description),
		Balance: pick(p.Balance, d.Balance), Currency: pick(p.Currency, d.Currency), DateFormat: p.DateFormat,
	}
}

// headerScan is how many rows above the header a bank export may have.
const headerScan = 30

type csvCols struct {
	date, value, amount, debit, credit, dc, ref, cpAcct, cpName, desc, balance, currency int
}

func findCols(header []string, p CSVProfile) (csvCols, []string) {
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, ok := idx[h]; !ok {
			idx[h] = i
		}
	}
	col := func(names string) int {
		if names == "" {
			return -1
		}
		for _, n := range strings.Split(names, "|") {
			if i, ok := idx[strings.ToLower(strings.TrimSpace(n))]; ok {
				return i
			}
		}
		return -1
	}
	c := csvCols{col(p.BookingDate), col(p.ValueDate), col(p.Amount), col(p.Debit), col(p.Credit), col(p.DebitCredit),
		col(p.Reference), col(p.CounterpartyAccount), col(p.CounterpartyName), col(p.Description), col(p.Balance), col(p.Currency)}
	var missing []string
	if c.date < 0 {
		missing = append(missing, strings.Split(p.BookingDate, "|")[0])
	}
	if c.amount < 0 && c.debit < 0 && c.credit < 0 {
		missing = append(missing, strings.Split(p.Amount, "|")[0]+" (or "+strings.Split(p.Debit, "|")[0]+" and "+strings.Split(p.Credit, "|")[0]+")")
	}
	return c, missing
}

// ReadCSV reads a statement exported as CSV: UTF-8 with or without a BOM,
// comma, semicolon or tab separated, with the profile's columns. A row
// that cannot be read is a Problem; the others are read. Errors:
// *ReadError (no header with the required columns), *CurrencyError.
func ReadCSV(r io.Reader, opt Options) ([]*Statement, error) {
	p := opt.Profile.orDefault()
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(64 << 10)
	if bytes.HasPrefix(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
		head = head[3:]
	}
	if bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return nil, &ReadError{Line: 1, Reason: "the file is binary (a spreadsheet?), not CSV text; export the statement as CSV"}
	}
	cr := csv.NewReader(br)
	cr.Comma = sniffComma(head, p)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var cols csvCols
	var missing []string
	found := false
	for i := 0; i < headerScan && !found; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, &ReadError{Line: line, Reason: "the header cannot be read: " + err.Error()}
		}
		c, m := findCols(rec, p)
		if len(m) == 0 {
			cols, found = c, true
		} else if i == 0 || len(m) < len(missing) {
			missing = m
		}
	}
	if !found {
		if len(missing) == 0 {
			return nil, &ReadError{Line: 1, Reason: "the file is empty"}
		}
		return nil, &ReadError{Line: 1, Reason: "no header row with the columns " + strings.Join(missing, ", ") + " was found"}
	}
	st := &Statement{Account: opt.Account, Currency: opt.currency()}
	var firstBal, lastBal *int64
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Problems = append(st.Problems, Problem{pe.Line, pe.Err.Error()})
				continue
			}
			return nil, &ReadError{Line: line, Reason: err.Error()}
		}
		if blank(rec) {
			continue
		}
		l, bal, ccy, reason := cols.line(rec, p)
		if reason != "" {
			st.Problems = append(st.Problems, Problem{line, reason})
			continue
		}
		if ccy != "" && !strings.EqualFold(ccy, st.Currency) {
			return nil, &CurrencyError{Line: line, Got: strings.ToUpper(ccy), Expected: st.Currency}
		}
		if st.NumLines() >= maxLines {
			return nil, &ReadError{Line: line, Reason: fmt.Sprintf("a statement may hold at most %d lines", maxLines)}
		}
		l.N = line
		if err := st.add(l, opt.Each); err != nil {
			return nil, err
		}
		if bal != nil {
			if firstBal == nil {
				v := *bal - l.AmountSen
				firstBal = &v
			}
			lastBal = bal
		}
	}
	sum := st.sum
	for _, l := range st.Lines {
		sum += l.AmountSen
	}
	if firstBal != nil {
		st.OpeningSen, st.ClosingSen, st.HasBalances = *firstBal, *lastBal, true
	} else {
		st.ClosingSen = sum
	}
	st.period()
	if st.NumLines() == 0 && len(st.Problems) > 0 {
		return nil, &ReadError{Line: st.Problems[0].Line, Reason: "no line of the statement can be read; the first: " + st.Problems[0].Reason}
	}
	return []*Statement{st}, nil
}

func (c csvCols) line(rec []string, p CSVProfile) (Line, *int64, string, string) {
	get := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var l Line
	for _, v := range rec {
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			return l, nil, "", "holds binary data or text that is not UTF-8"
		}
	}
	d, err := ParseDate(get(c.date), p.DateFormat)
	if err != nil {
		return l, nil, "", fmt.Sprintf("booking date %q %v", clip(get(c.date)), err)
	}
	l.BookingDate = d
	if v := get(c.value); v != "" {
		if vd, err := ParseDate(v, p.DateFormat); err == nil {
			l.ValueDate = vd
		}
	}
	switch {
	case c.amount >= 0 && get(c.amount) != "":
		s := get(c.amount)
		sign := int64(1)
		if m := strings.ToUpper(get(c.dc)); m != "" {
			switch m {
			case "D", "DB", "DR", "DEBIT", "DEBET", "K-": // K- never seen; harmless
				sign = -1
			case "C", "CR", "K", "KREDIT", "CREDIT":
			default:
				return l, nil, "", fmt.Sprintf("debit/credit mark %q is neither D nor C", clip(m))
			}
		}
		s, mark := cutMark(s)
		if mark < 0 {
			sign = -1
		}
		a, err := ParseAmount(s)
		if err != nil {
			return l, nil, "", fmt.Sprintf("amount %q %v", clip(get(c.amount)), err)
		}
		l.AmountSen = sign * a
	default:
		db, cr := get(c.debit), get(c.credit)
		var d, k int64
		var err error
		if db != "" {
			if d, err = ParseAmount(db); err != nil {
				return l, nil, "", fmt.Sprintf("debit %q %v", clip(db), err)
			}
		}
		if cr != "" {
			if k, err = ParseAmount(cr); err != nil {
				return l, nil, "", fmt.Sprintf("credit %q %v", clip(cr), err)
			}
		}
		if d != 0 && k != 0 {
			return l, nil, "", "has both a debit and a credit"
		}
		if d < 0 {
			d = -d
		}
		l.AmountSen = k - d
	}
	if l.AmountSen == 0 {
		return l, nil, "", "has no amount"
	}
	l.Reference, l.CounterpartyAccount = get(c.ref), get(c.cpAcct)
	l.CounterpartyName, l.Description = get(c.cpName), get(c.desc)
	var bal *int64
	if v := get(c.balance); v != "" {
		if b, err := ParseAmount(v); err == nil {
			bal = &b
		}
	}
	return l, bal, get(c.currency), ""
}

// cutMark removes a trailing DB/CR mark ("2.400.000,00 DB") and says its sign.
func cutMark(s string) (string, int) {
	u := strings.ToUpper(s)
	for _, m := range []struct {
		suffix string
		sign   int
	}{{" DB", -1}, {" DR", -1}, {" D", -1}, {" CR", 1}, {" C", 1}, {" K", 1}, {"DB", -1}, {"CR", 1}} {
		if strings.HasSuffix(u, m.suffix) {
			return strings.TrimSpace(s[:len(s)-len(m.suffix)]), m.sign
		}
	}
	return s, 0
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// sniffComma picks the separator of the header line: the first line that
// holds the booking date column's name, else the first line.
func sniffComma(head []byte, p CSVProfile) rune {
	lines := bytes.Split(head, []byte("\n"))
	line := lines[0]
	names := strings.Split(strings.ToLower(p.BookingDate), "|")
	for i, l := range lines {
		if i >= headerScan {
			break
		}
		low := strings.ToLower(string(l))
		for _, n := range names {
			if n != "" && strings.Contains(low, n) {
				line = l
				goto found
			}
		}
	}
found:
	counts := map[rune]int{}
	quoted := false
	for _, b := range string(line) {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',' || b == ';' || b == '\t' || b == '|':
			counts[b]++
		}
	}
	best, n := ',', 0
	for _, c := range []rune{',', ';', '\t', '|'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return best
}
