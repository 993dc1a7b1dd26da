package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"pilar/internal/export"
	"pilar/internal/report"
)

// reportCmd writes a report of one of report.Kinds, as `pilar report realization|coverage|overlaps
// --year Y [--group-by G] [--agency CODE] [--funding-source S] --format
// csv|xlsx|json|pdf [--dialect plain|excel-id] [-o FILE] [--as EMAIL]`: the same files the web serves,
// seen as the --as user (default: the system, which sees every agency).
func (m *Main) reportCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"report: name one of " + strings.Join(report.Names(), ", ")}
	}
	kind, err := report.Lookup(args[0])
	if err != nil {
		return usageError{"report: name one of " + strings.Join(report.Names(), ", ")}
	}
	fs, cfgPath := m.flags("report " + kind.Name)
	var f report.Filter
	fs.IntVar(&f.Year, "year", 0, "fiscal year (default: this year in the config's timezone)")
	if kind.Groups != nil {
		fs.StringVar(&f.GroupBy, "group-by", "", "grouping: "+strings.Join(kind.Groups, ", "))
	}
	fs.StringVar(&f.Agency, "agency", "", "only this agency (code)")
	fs.StringVar(&f.FundingSource, "funding-source", "", "only this funding source")
	if slices.Contains(kind.Params, "as_of") {
		fs.StringVar(&f.AsOf, "as-of", "", "the date YYYY-MM-DD (default: today)")
		fs.StringVar(&f.Region, "region", "", "only this region and the regions inside it (code)")
	}
	format := fs.String("format", "csv", strings.Join(kind.Formats, ", "))
	dialectName := fs.String("dialect", "plain", "a CSV file's dialect: "+strings.Join(export.Dialects, ", ")+" (';' and decimal comma)")
	out := fs.String("o", "", "output file (default: standard output)")
	as := fs.String("as", "", "the acting user's email (default: the system, all agencies)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := kind.CheckFormat(*format); err != nil {
		return usageError{err.Error()}
	}
	dialect, err := export.ParseDialect(*dialectName)
	if err != nil {
		return usageError{err.Error()}
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, err = actingAs(ctx, st, *as)
	if err != nil {
		return err
	}
	now := st.Now().In(st.Loc)
	if f.Year == 0 {
		f.Year = now.Year()
	}
	rep, err := kind.Build(ctx, st, f)
	if err != nil {
		return err
	}
	var w io.Writer = m.Stdout
	if *out != "" {
		file, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	if err := export.Write(w, *format, rep, export.Meta{Lang: "id", Printed: now, Dialect: dialect}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if *out != "" {
		fmt.Fprintf(m.Stderr, "report written to %s\n", *out)
	}
	return nil
}
