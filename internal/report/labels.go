package report

import (
	"fmt"
	"strconv"
	"strings"

	"pilar/internal/finance"
	"pilar/internal/i18n"
)

// Periods are the keys of every month ("2024-01") or quarter ("2024-Q1")
// of a year, so that a period without activity still has its row.
func Periods(groupBy string, year int) []string {
	n, format := 12, "%d-%02d"
	if groupBy == "quarter" {
		n, format = 4, "%d-Q%d"
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf(format, year, i+1)
	}
	return out
}

// PeriodOf is the period of year ("2024-07", or "2024-Q3" by quarter) in
// which something dated in month ("YYYY-MM") counts: a month before the
// year counts in its first period, one after it (or none) in its last.
func PeriodOf(groupBy string, year int, month string) string {
	first, last := fmt.Sprintf("%d-01", year), fmt.Sprintf("%d-12", year)
	switch {
	case len(month) != 7 || month > last:
		month = last
	case month < first:
		month = first
	}
	if groupBy == "quarter" {
		n, _ := strconv.Atoi(month[5:7])
		return fmt.Sprintf("%d-Q%d", year, (n+2)/3)
	}
	return month
}

var romanQuarters = []string{"I", "II", "III", "IV"}

// Text is data shown as a label (a program's or agency's name, a code): a
// message whose text is itself in every language.
func Text(s string) finance.Msg { return finance.M("%s", s) }

// PeriodLabel names a period key, as a message (i18n): "July 2024" /
// "Juli 2024", "Quarter III 2024" / "Triwulan III 2024"; "" (a payment
// without a date) is "No date" / "Tanpa tanggal".
func PeriodLabel(key string) finance.Msg {
	year, rest, ok := strings.Cut(key, "-")
	if !ok {
		return finance.M("report.no_date")
	}
	if q, ok := strings.CutPrefix(rest, "Q"); ok {
		n, _ := strconv.Atoi(q)
		if n >= 1 && n <= 4 {
			return finance.M("report.quarter", romanQuarters[n-1], year)
		}
		return Text(key)
	}
	if m, err := strconv.Atoi(rest); err == nil && m >= 1 && m <= 12 {
		return finance.M(i18n.MonthKey(m), year)
	}
	return Text(key)
}

// CoverageLabel names a coverage group: a region by its code and name
// (finance.RegionLabel: "64.72 Kota Samarinda"), the sex
// and empty keys in words; otherwise label (the program's name, the key).
func CoverageLabel(groupBy, key, label string) finance.Msg {
	switch {
	case groupBy == "region" && key != "":
		return Text(finance.RegionLabel(key))
	case groupBy == "sex" || key == "":
		return finance.M("report.sex." + key)
	case groupBy == "size_class" || groupBy == "sector":
		return CodeLabel(groupBy, key)
	}
	return Text(label)
}

// CodeLabel names a code of a field (a recipient's kind, size class or
// sector) as a message in words, "code.<field>.<code>" of i18n ("mikro" ->
// "Mikro" / "Micro"); a code without a name stays itself.
func CodeLabel(field, code string) finance.Msg {
	if k := "code." + field + "." + code; i18n.T("en", k) != k {
		return finance.M(k)
	}
	return Text(code)
}

// Ineligibility says why a recipient of the given size class and region is
// outside a program's eligible size classes or region scope, or a message
// with Key "" when it is not; the rule is finance.Ineligibility.
func Ineligibility(eligible []string, programRegion, size, region string) finance.Msg {
	_, why := finance.Ineligibility(eligible, programRegion, size, region)
	return why
}
