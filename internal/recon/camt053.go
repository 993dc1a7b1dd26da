package recon

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The camt.053 elements Pilar reads. Tags carry no namespace, so any
// version's namespace (001.02 to 001.08 and later) matches.
type camtAcct struct {
	Id struct {
		IBAN string `xml:"IBAN"`
		Othr struct {
			Id string `xml:"Id"`
		} `xml:"Othr"`
	} `xml:"Id"`
	Ccy string `xml:"Ccy"`
}

func (a camtAcct) number() string {
	if a.Id.IBAN != "" {
		return strings.TrimSpace(a.Id.IBAN)
	}
	return strings.TrimSpace(a.Id.Othr.Id)
}

type camtAmt struct {
	Ccy   string `xml:"Ccy,attr"`
	Value string `xml:",chardata"`
}

type camtDate struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

func (d camtDate) date() (string, error) {
	if s := strings.TrimSpace(d.Dt); s != "" {
		return ParseDate(s, "2006-01-02")
	}
	if s := strings.TrimSpace(d.DtTm); s != "" {
		return ParseDate(s, "")
	}
	return "", errors.New("is missing")
}

type camtBal struct {
	Tp struct {
		CdOrPrtry struct {
			Cd    string `xml:"Cd"`
			Prtry string `xml:"Prtry"`
		} `xml:"CdOrPrtry"`
	} `xml:"Tp"`
	Amt       camtAmt  `xml:"Amt"`
	CdtDbtInd string   `xml:"CdtDbtInd"`
	Dt        camtDate `xml:"Dt"`
}

type camtParty struct {
	Nm  string `xml:"Nm"`
	Pty struct {
		Nm string `xml:"Nm"`
	} `xml:"Pty"` // 001.08 wraps the party
}

func (p camtParty) name() string {
	if p.Nm != "" {
		return strings.TrimSpace(p.Nm)
	}
	return strings.TrimSpace(p.Pty.Nm)
}

type camtTx struct {
	Refs struct {
		MsgId      string `xml:"MsgId"`
		PmtInfId   string `xml:"PmtInfId"`
		InstrId    string `xml:"InstrId"`
		EndToEndId string `xml:"EndToEndId"`
		TxId       string `xml:"TxId"`
	} `xml:"Refs"`
	RltdPties struct {
		Dbtr     camtParty `xml:"Dbtr"`
		DbtrAcct camtAcct  `xml:"DbtrAcct"`
		Cdtr     camtParty `xml:"Cdtr"`
		CdtrAcct camtAcct  `xml:"CdtrAcct"`
	} `xml:"RltdPties"`
	RmtInf struct {
		Ustrd []string `xml:"Ustrd"`
		Strd  []struct {
			CdtrRefInf struct {
				Ref string `xml:"Ref"`
			} `xml:"CdtrRefInf"`
		} `xml:"Strd"`
	} `xml:"RmtInf"`
	AddtlTxInf string `xml:"AddtlTxInf"`
}

type camtNtry struct {
	NtryRef   string  `xml:"NtryRef"`
	Amt       camtAmt `xml:"Amt"`
	CdtDbtInd string  `xml:"CdtDbtInd"`
	Sts       struct {
		Text string `xml:",chardata"`
		Cd   string `xml:"Cd"`
	} `xml:"Sts"`
	BookgDt     camtDate `xml:"BookgDt"`
	ValDt       camtDate `xml:"ValDt"`
	AcctSvcrRef string   `xml:"AcctSvcrRef"`
	NtryDtls    []struct {
		Btch struct {
			PmtInfId string `xml:"PmtInfId"`
		} `xml:"Btch"`
		TxDtls []camtTx `xml:"TxDtls"`
	} `xml:"NtryDtls"`
	AddtlNtryInf string `xml:"AddtlNtryInf"`
}

// ReadCamt053 reads an ISO 20022 BankToCustomerStatement (camt.053, any
// version from 001.02): every <Stmt>, its account (IBAN or Othr id), its
// opening (OPBD, else PRCD) and closing (CLBD) booked balances, and its
// booked entries with the date given as Dt or DtTm. A batch entry (one
// booking for many transfers) is one line whose reference is the batch's
// payment information id. An entry that cannot be read is a Problem.
// Errors: *ReadError (not XML, not a camt.053, a statement without
// balances), *CurrencyError.
func ReadCamt053(r io.Reader, opt Options) ([]*Statement, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	dec.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(label, "utf-8") || strings.EqualFold(label, "us-ascii") {
			return in, nil
		}
		return nil, fmt.Errorf("the file is in %s; only UTF-8 is read", label)
	}
	var out []*Statement
	sawDoc := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return nil, &ReadError{Line: line, Reason: "the XML cannot be read: " + xmlReason(err)}
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Document":
			if se.Name.Space != "" && !strings.Contains(se.Name.Space, "camt.053") {
				line, _ := dec.InputPos()
				return nil, &ReadError{Line: line, Reason: fmt.Sprintf("the document is %s, not a camt.053 statement", se.Name.Space)}
			}
		case "BkToCstmrStmt":
			sawDoc = true
		case "Stmt":
			if !sawDoc {
				continue
			}
			line, _ := dec.InputPos()
			st, err := readCamtStmt(dec, line, opt)
			if err != nil {
				return nil, err
			}
			out = append(out, st)
		}
	}
	if len(out) == 0 {
		return nil, &ReadError{Line: 1, Reason: "no camt.053 statement found (no Document/BkToCstmrStmt/Stmt)"}
	}
	return out, nil
}

func xmlReason(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return se.Msg
	}
	return err.Error()
}

func readCamtStmt(dec *xml.Decoder, at int, opt Options) (*Statement, error) {
	st := &Statement{Currency: opt.currency(), HasBalances: true}
	var opening, prcd, closing *int64
	var acctCcy string
	for {
		tok, err := dec.Token()
		if err != nil {
			line, _ := dec.InputPos()
			if err == io.EOF {
				return nil, &ReadError{Line: line, Reason: "the file ends inside a <Stmt>"}
			}
			return nil, &ReadError{Line: line, Reason: "the XML cannot be read: " + xmlReason(err)}
		}
		if _, ok := tok.(xml.EndElement); ok {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, _ := dec.InputPos()
		fail := func(err error) error {
			l, _ := dec.InputPos()
			return &ReadError{Line: l, Reason: "the XML cannot be read: " + xmlReason(err)}
		}
		switch se.Name.Local {
		case "Id":
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				return nil, fail(err)
			}
			st.Number = strings.TrimSpace(s)
		case "Acct":
			var a camtAcct
			if err := dec.DecodeElement(&a, &se); err != nil {
				return nil, fail(err)
			}
			st.Account, acctCcy = a.number(), strings.ToUpper(strings.TrimSpace(a.Ccy))
			if acctCcy != "" && acctCcy != st.Currency {
				return nil, &CurrencyError{Line: line, Got: acctCcy, Expected: st.Currency}
			}
		case "FrToDt":
			var p struct {
				FrDtTm string `xml:"FrDtTm"`
				ToDtTm string `xml:"ToDtTm"`
			}
			if err := dec.DecodeElement(&p, &se); err != nil {
				return nil, fail(err)
			}
			st.From, _ = ParseDate(p.FrDtTm, "")
			st.To, _ = ParseDate(p.ToDtTm, "")
		case "Bal":
			var b camtBal
			if err := dec.DecodeElement(&b, &se); err != nil {
				return nil, fail(err)
			}
			sen, err := camtAmount(b.Amt, b.CdtDbtInd, st.Currency, line)
			if err != nil {
				return nil, err
			}
			code := strings.ToUpper(b.Tp.CdOrPrtry.Cd + b.Tp.CdOrPrtry.Prtry)
			d, _ := b.Dt.date()
			switch code {
			case "OPBD":
				opening = &sen
				if st.From == "" {
					st.From = d
				}
			case "PRCD":
				prcd = &sen
			case "CLBD":
				closing = &sen
				if st.To == "" {
					st.To = d
				}
			}
		case "Ntry":
			var e camtNtry
			if err := dec.DecodeElement(&e, &se); err != nil {
				return nil, fail(err)
			}
			l, skip, err := camtLine(e, st.Currency, line)
			var ce *CurrencyError
			switch {
			case errors.As(err, &ce):
				return nil, err
			case err != nil:
				st.Problems = append(st.Problems, Problem{line, err.Error()})
			case !skip:
				if len(st.Lines) >= maxLines {
					return nil, &ReadError{Line: line, Reason: fmt.Sprintf("a statement may hold at most %d lines", maxLines)}
				}
				st.Lines = append(st.Lines, l)
			}
		default:
			if err := dec.Skip(); err != nil {
				return nil, fail(err)
			}
		}
	}
	if opening == nil {
		opening = prcd
	}
	if opening == nil || closing == nil {
		return nil, &ReadError{Line: at, Reason: "the <Stmt> starting here has no opening (OPBD or PRCD) or no closing (CLBD) balance"}
	}
	st.OpeningSen, st.ClosingSen = *opening, *closing
	if st.From == "" || st.To == "" {
		from, to := st.From, st.To
		st.From, st.To = "", ""
		st.period()
		if from != "" {
			st.From = from
		}
		if to != "" {
			st.To = to
		}
	}
	return st, nil
}

func camtAmount(a camtAmt, ind, expected string, line int) (int64, error) {
	ccy := strings.ToUpper(strings.TrimSpace(a.Ccy))
	if ccy != "" && ccy != expected {
		return 0, &CurrencyError{Line: line, Got: ccy, Expected: expected}
	}
	v := strings.TrimSpace(a.Value)
	if v == "" || strings.Trim(v, "0123456789.") != "" || strings.Count(v, ".") > 1 {
		return 0, &ReadError{Line: line, Reason: fmt.Sprintf("amount %q is not a number such as 2400000.00", clip(v))}
	}
	intPart, frac, _ := strings.Cut(v, ".")
	sen, err := toSen(intPart, frac)
	if err != nil {
		return 0, &ReadError{Line: line, Reason: fmt.Sprintf("amount %q %v", clip(v), err)}
	}
	switch strings.ToUpper(strings.TrimSpace(ind)) {
	case "DBIT":
		return -sen, nil
	case "CRDT":
		return sen, nil
	}
	return 0, &ReadError{Line: line, Reason: fmt.Sprintf("credit/debit indicator %q is neither CRDT nor DBIT", clip(ind))}
}

// camtLine turns an entry into a line; skip is true for entries not yet
// booked (PDNG, INFO).
func camtLine(e camtNtry, ccy string, line int) (Line, bool, error) {
	l := Line{N: line}
	sts := strings.ToUpper(strings.TrimSpace(e.Sts.Cd + e.Sts.Text))
	if sts != "" && sts != "BOOK" {
		return l, true, nil
	}
	sen, err := camtAmount(e.Amt, e.CdtDbtInd, ccy, line)
	var re *ReadError
	if errors.As(err, &re) {
		return l, false, errors.New(re.Reason)
	}
	if err != nil {
		return l, false, err
	}
	if sen == 0 {
		return l, false, errors.New("amount is zero")
	}
	l.AmountSen = sen
	if l.BookingDate, err = e.BookgDt.date(); err != nil {
		if l.BookingDate, err = e.ValDt.date(); err != nil {
			return l, false, errors.New("booking date (BookgDt) is missing or not a date")
		}
	}
	l.ValueDate, _ = e.ValDt.date()
	var txs []camtTx
	batch := ""
	for _, d := range e.NtryDtls {
		txs = append(txs, d.TxDtls...)
		if d.Btch.PmtInfId != "" {
			batch = d.Btch.PmtInfId
		}
	}
	desc := []string{strings.TrimSpace(e.AddtlNtryInf)}
	switch {
	case len(txs) == 1:
		t := txs[0]
		l.Reference = firstRef(t.Refs.EndToEndId, t.Refs.InstrId, t.Refs.PmtInfId, structuredRef(t), batch, e.NtryRef)
		if sen < 0 {
			l.CounterpartyAccount, l.CounterpartyName = t.RltdPties.CdtrAcct.number(), t.RltdPties.Cdtr.name()
		} else {
			l.CounterpartyAccount, l.CounterpartyName = t.RltdPties.DbtrAcct.number(), t.RltdPties.Dbtr.name()
		}
		desc = append(desc, t.RmtInf.Ustrd...)
		desc = append(desc, t.AddtlTxInf)
	case len(txs) > 1:
		if batch == "" {
			batch = txs[0].Refs.PmtInfId
		}
		l.Reference = firstRef(batch, e.NtryRef)
	default:
		l.Reference = firstRef(batch, e.NtryRef)
	}
	l.Description = strings.Join(nonEmpty(desc), " ")
	return l, false, nil
}

func structuredRef(t camtTx) string {
	for _, s := range t.RmtInf.Strd {
		if s.CdtrRefInf.Ref != "" {
			return s.CdtrRefInf.Ref
		}
	}
	return ""
}

func firstRef(refs ...string) string {
	for _, r := range refs {
		r = strings.TrimSpace(r)
		if r != "" && !strings.EqualFold(r, "NOTPROVIDED") && !strings.EqualFold(r, "NONREF") {
			return r
		}
	}
	return ""
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
