package web_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReconcile is a reconciliation as its people meet it: the
// officer signs in through the form, uploads the bank's CSV on the
// statements page and reconciles it; the page shows the totals in Rupiah
// and the matches by the names of their rules, one waiting for a
// confirmation (a transfer fee taken off the amount). The reviewer signs
// in, confirms it in place, and the disbursement's page says it is
// reconciled.
func TestBrowserReconcile(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	db, _ := s.Store.DB()
	q := `SELECT d.id, d.amount, d.payment_ref, d.paid_on FROM disbursements d JOIN programs p ON p.id = d.program_id
WHERE p.agency_id = (SELECT agency_id FROM users WHERE email = 'petugas.kaltim@pilar.demo') AND d.status = 'paid'
  AND d.payment_ref <> '' AND NOT d.reconciled ORDER BY d.id LIMIT 2`
	if s.Store.Driver() == "sqlite" {
		q = strings.ReplaceAll(q, "NOT d.reconciled", "d.reconciled = 0")
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	type paid struct {
		id, sen     int64
		ref, paidOn string
	}
	var ds []paid
	for rows.Next() {
		var d paid
		if err := rows.Scan(&d.id, &d.sen, &d.ref, &d.paidOn); err != nil {
			t.Fatal(err)
		}
		d.paidOn = d.paidOn[:10]
		ds = append(ds, d)
	}
	rows.Close()
	if len(ds) != 2 {
		t.Fatalf("the demo has %d paid, unreconciled disbursements with a reference for Kaltim, want 2", len(ds))
	}
	rupiah := func(sen int64) string { return fmt.Sprintf("%d.%02d", sen/100, sen%100) }
	// the first paid exactly; the second less a BI-FAST fee of Rp2.500
	csv := "booking_date,amount,reference,counterparty_account\n" +
		fmt.Sprintf("%s,-%s,%s,\n", ds[0].paidOn, rupiah(ds[0].sen), ds[0].ref) +
		fmt.Sprintf("%s,-%s,%s,\n", ds[1].paidOn, rupiah(ds[1].sen-250000), ds[1].ref)
	path := filepath.Join(t.TempDir(), "rekening-koran.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}

	officer := newChrome(t, s)
	officer.login("petugas.kaltim@pilar.demo")
	officer.open("/statements")
	officer.choose(`select[name=format]`, "csv")
	officer.fill(`input[name=account]`, "1234567890")
	officer.do("choose the file", chromedp.SetUploadFiles(chromedp.CSS(`form[action="/statements"] input[type=file]`), []string{path}))
	if st := officer.submit(`form[action="/statements"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("upload: status %d: %.1500s", st, officer.body())
	}
	if p := officer.path(); !regexp.MustCompile(`^/statements/\d+$`).MatchString(p) {
		t.Fatalf("after the upload: %s: %.1500s", p, officer.body())
	}
	officer.submit(`form[action$="/reconcile"] button[type=submit]`)
	if p := officer.path(); !regexp.MustCompile(`^/reconciliations/\d+$`).MatchString(p) {
		t.Fatalf("after reconciling: %s: %.1500s", p, officer.body())
	}
	page := officer.path()
	totals := officer.text(`table.recon-totals tbody`)
	// paid, matched, unmatched, mismatched (the disbursement the fee holds), open lines, balanced
	if cells := strings.Split(totals, "\t"); len(cells) != 6 || cells[1] != idr(ds[0].sen) || cells[3] != idr(ds[1].sen) || cells[4] != "Rp0" {
		t.Errorf("totals %q: want matched %s and mismatched %s", totals, idr(ds[0].sen), idr(ds[1].sen))
	}
	matches := officer.text(`#match-` + officer.eval(`document.querySelector('tr[id^="match-"]').id.slice(6)`))
	if !strings.Contains(matches, "referensi") {
		t.Errorf("the first match reads %q, want its rule by name", matches)
	}
	officer.contains("mismatch waiting", "selisih jumlah", "Menunggu konfirmasi")
	// On a phone the open disbursements and lines stack, their tables
	// scrolling in their boxes, not the page.
	officer.do("phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1)))
	officer.open(page)
	officer.fitsWidth("reconciliation at 390 px")
	officer.buttonsReadable("reconciliation")
	officer.do("desktop", chromedp.EmulateViewport(1280, 900, chromedp.EmulateScale(1)))
	officer.noConsoleErrors()

	reviewer := newChrome(t, s)
	reviewer.login("reviu.kaltim@pilar.demo")
	reviewer.open(page)
	if st := reviewer.submit(`form[action$="/confirm"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("confirm: status %d", st)
	}
	if n := reviewer.eval(`document.querySelectorAll('form[action$="/confirm"]').length`); n != "0" {
		t.Errorf("%s matches still wait after confirming", n)
	}
	reviewer.contains("confirmed", "Budi Reviu Kaltim")
	reviewer.open(fmt.Sprintf("/disbursements/%d", ds[1].id))
	reviewer.contains("disbursement page", "Sudah direkonsiliasi", "selisih jumlah")
	reviewer.noConsoleErrors()
}

// idr writes whole rupiah as the pages do: Rp2.400.000.
func idr(sen int64) string {
	d := fmt.Sprint(sen / 100)
	for i := len(d) - 3; i > 0; i -= 3 {
		d = d[:i] + "." + d[i:]
	}
	return "Rp" + d
}
