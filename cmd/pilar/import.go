package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"pilar/internal/importer"
)

// importFile runs `pilar import recipients|disbursements|figures|repayments FILE`: flags may
// come before or after FILE. On a terminal it draws a progress bar with
// rows per second; otherwise it prints only the summary.
func (m *Main) importFile(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "statement" {
		return m.importStatement(ctx, args[1:])
	}
	if len(args) == 0 || (args[0] != importer.Recipients && args[0] != importer.Disbursements && args[0] != importer.Figures && args[0] != importer.Repayments) {
		return usageError{"import: say what to import: recipients, disbursements, figures, repayments or statement"}
	}
	fs, cfgPath := m.flags("import " + args[0])
	opt := importer.Options{Kind: args[0]}
	fs.BoolVar(&opt.Atomic, "atomic", false, "write all rows or none")
	fs.BoolVar(&opt.Update, "update", false, "recipients: change those already registered")
	fs.BoolVar(&opt.Submit, "submit", false, "disbursements: submit each new draft")
	fs.BoolVar(&opt.Historical, "historical", false, "disbursements: past payments with paid_on, entered as paid (admin, needs --as)")
	as := fs.String("as", "", "the acting user's email (default: system)")
	var files []string
	for rest := args[1:]; ; {
		if err := fs.Parse(rest); err != nil {
			return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return usageError{fmt.Sprintf("%s: give exactly one FILE", fs.Name())}
	}
	if opt.Historical && *as == "" {
		return usageError{fs.Name() + ": --historical needs --as ADMIN: the admin who answers for the past payments"}
	}
	f, err := os.Open(files[0])
	if err != nil {
		return err
	}
	defer f.Close()
	if opt.Historical {
		// The one audit entry names the file by its SHA-256.
		sum := sha256.New()
		if _, err := io.Copy(sum, f); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		opt.FileName, opt.SHA256 = filepath.Base(files[0]), hex.EncodeToString(sum.Sum(nil))
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
	var in io.Reader = f
	if out, ok := m.Stdout.(*os.File); ok && isatty.IsTerminal(out.Fd()) {
		bar := newProgressBar(out, f)
		in, opt.Progress = bar, bar.draw
		defer fmt.Fprintln(out)
	}
	res, err := importer.Import(ctx, st, in, opt)
	if res != nil {
		m.printImport(res)
	}
	if err == nil && res.Failed > 0 {
		// The good rows are in; the exit code still tells a script that some were not.
		return fmt.Errorf("%d rows refused (listed above)", res.Failed)
	}
	return err
}

// printImport writes the counts and every refused row.
func (m *Main) printImport(res *importer.Result) {
	fmt.Fprintf(m.Stdout, "created %d, updated %d, skipped %d, failed %d (of %d rows)\n", res.Created, res.Updated, res.Skipped, res.Failed, res.Rows)
	for _, e := range res.Errors {
		fmt.Fprintf(m.Stdout, "row %d: %s\n", e.Row, strings.TrimPrefix(e.Field+": ", ": ")+e.Message)
	}
	for _, o := range res.Overruns {
		fmt.Fprintf(m.Stdout, "overrun: %s\n", o)
	}
	for _, fl := range res.Flagged {
		msgs := make([]string, len(fl.Flags))
		for i, x := range fl.Flags {
			msgs[i] = x.Kind + " (" + x.Message + ")"
		}
		fmt.Fprintf(m.Stdout, "row %d flagged: %s\n", fl.Row, strings.Join(msgs, "; "))
	}
}

// progressBar counts the bytes read from the file and draws how far the
// import is, with rows per second.
type progressBar struct {
	out   io.Writer
	r     io.Reader
	size  int64
	read  int64
	start time.Time
}

func newProgressBar(out io.Writer, f *os.File) *progressBar {
	p := &progressBar{out: out, r: f, start: time.Now()}
	if fi, err := f.Stat(); err == nil {
		p.size = fi.Size()
	}
	return p
}

func (p *progressBar) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.read += int64(n)
	return n, err
}

func (p *progressBar) draw(rows int) {
	frac := 1.0
	if p.size > 0 {
		frac = min(1, float64(p.read)/float64(p.size))
	}
	const width = 30
	done := int(frac * width)
	rate := float64(rows) / max(time.Since(p.start).Seconds(), 0.001)
	fmt.Fprintf(p.out, "\r[%s%s] %3.0f%%  %d rows  %.0f rows/s ", strings.Repeat("#", done), strings.Repeat(".", width-done), frac*100, rows, rate)
}
