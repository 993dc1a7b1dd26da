package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"pilar/internal/config"
	"pilar/internal/finance"
	"pilar/internal/recon"
	"pilar/internal/store"
)

// importStatement runs `pilar import statement FILE --format F --account NO
// [--currency IDR] [--profile BANK] [--agency CODE] --as EMAIL`: it prints
// each statement created or found imported before, with its balance check
// and the lines that could not be read.
func (m *Main) importStatement(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("import statement")
	format := fs.String("format", "", "csv, mt940 or camt053")
	account := fs.String("account", "", "the paying account's number")
	currency := fs.String("currency", "IDR", "the statement's currency; another one is refused")
	profile := fs.String("profile", "", "csv: the bank's column profile in statements.csv_profiles (bri, mandiri, bni, bankaltimtara, …)")
	agency := fs.String("agency", "", "the agency whose account it is (admins; officers and reviewers: their own)")
	as := fs.String("as", "", "the acting user's email (required: statements belong to an agency's officer, reviewer or an admin)")
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	switch {
	case len(files) != 1:
		return usageError{"import statement: give exactly one FILE"}
	case *format == "":
		return usageError{"import statement: --format csv|mt940|camt053 is required"}
	case *account == "":
		return usageError{"import statement: --account NO is required"}
	case *as == "":
		return usageError{"import statement: --as EMAIL is required"}
	}
	cfg, err := config.Load(*cfgPath, m.Env)
	if err != nil {
		return err
	}
	up := finance.StatementUpload{Format: strings.ToLower(*format), Account: *account, Currency: *currency, Agency: *agency, Name: files[0]}
	if *profile != "" {
		p, ok := cfg.Statements.CSVProfiles[strings.ToLower(*profile)]
		if !ok {
			p, ok = recon.BankProfiles[strings.ToLower(*profile)]
		}
		if !ok {
			return usageError{fmt.Sprintf("import statement: no CSV profile %q in statements.csv_profiles", *profile)}
		}
		up.Profile = p
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := store.OpenMigrated(ctx, cfg.Database.Driver, cfg.Database.DSN)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx, err = actingAs(ctx, st, *as)
	if err != nil {
		return err
	}
	res, err := st.ImportStatements(ctx, up, f)
	if err != nil {
		return err
	}
	for _, s := range res.Statements {
		bal := "balanced"
		if !s.Balanced {
			bal = "NOT balanced, difference " + s.Difference.String()
		}
		fmt.Fprintf(m.Stdout, "statement %d: account %s, %s to %s, %d lines, opening %s, closing %s, %s\n",
			s.ID, s.Account, s.PeriodFrom, s.PeriodTo, s.LineCount, s.OpeningBalance, s.ClosingBalance, bal)
		for _, p := range s.Problems {
			fmt.Fprintf(m.Stdout, "  line %d skipped: %s\n", p.Line, p.Reason)
		}
	}
	for _, d := range res.Duplicates {
		fmt.Fprintf(m.Stdout, "%s\n", d.Message)
	}
	fmt.Fprintf(m.Stdout, "created %d, already imported %d\n", len(res.Statements), len(res.Duplicates))
	return nil
}
