package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserImport: an officer chooses the kind, reads its columns, and
// uploads a file of 3,000 recipients; the progress bar shows how much of
// the file the server has read, up to 100%, and the result replaces the
// page.
func TestBrowserImport(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	b := newChrome(t, s)
	b.login("petugas.kaltim@pilar.demo")
	b.open("/import")
	b.submit(`nav a[href="/import?kind=recipients"]`)
	b.contains("import page", "Kolom berkas", "nama_usaha", "Nama usaha atau koperasi")
	if n := b.eval(`document.querySelectorAll('#import-form input[type=checkbox]').length`); n != "2" {
		t.Errorf("%s options for recipients, want 2 (atomic, update)", n)
	}
	const rows = 3000
	var file strings.Builder
	file.WriteString("jenis;nama;nik_pemilik\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&file, "umkm;Usaha Uji %d;647201150390%04d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "penerima.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Every percentage the bar's label shows is noted as it changes.
	b.eval(`(window.seen = [], new MutationObserver(() => window.seen.push(document.querySelector('#import-progress span').textContent))
		.observe(document.querySelector('#import-progress span'), {childList: true, characterData: true, subtree: true}), 1)`)
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#import-form input[type=file]`), []string{path}),
		chromedp.Click(chromedp.CSS(`#import-form button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`#result-title`)))
	seen := b.eval(`window.seen ? window.seen.join("|") : "(page reloaded)"`)
	t.Logf("the bar said: %s", seen)
	if !strings.Contains(seen, "100% berkas diimpor") {
		t.Errorf("the bar never said the whole file was imported: %q", seen)
	}
	counts := b.eval(`[...document.querySelectorAll('table.counts td')].map(td => td.textContent).join(" ")`)
	var created, updated, skipped, failed int
	fmt.Sscan(strings.ReplaceAll(counts, ".", ""), &created, &updated, &skipped, &failed)
	if created+skipped != rows || failed != 0 {
		t.Errorf("counts %q, want %d rows in", counts, rows)
	}
	// The column list scrolls inside its box on a phone.
	b.do("viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1)))
	b.open("/import?kind=disbursements")
	if got := b.eval(`document.documentElement.scrollWidth <= window.innerWidth`); got != "true" {
		t.Errorf("/import?kind=disbursements scrolls sideways at 390 px")
	}
	b.noConsoleErrors()
}
