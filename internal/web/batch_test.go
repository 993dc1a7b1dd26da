package web_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pilar/internal/finance"
)

// batchWorld is a fresh environment with program BATCH-2024 (budget
// 10,000,000, a fixed 2,400,000 each) and three recipients: Warung Bu Sari
// (the first NIK), Amplang Pak Dedi (the second, and a NIB) and Toko Sari
// Jaya, whose name contains "Sari" too.
type batchWorld struct {
	m    *matrix
	e    *env
	niks []string
	ids  []string
}

func newBatchWorld(t *testing.T) *batchWorld {
	t.Helper()
	m := newMatrix(t)
	e := m.e
	body := programBody("BATCH-2024", "10000000.00")
	body["amount_per_recipient"] = "2400000"
	e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", body), 201)
	b := &batchWorld{m: m, e: e}
	for i, r := range []map[string]any{
		{"name": "Warung Bu Sari"}, {"name": "Amplang Pak Dedi", "nib": "9120000123456"}, {"name": "Toko Sari Jaya"},
	} {
		nik := fmt.Sprintf("64720141079%05d", i+1)
		r["kind"], r["nik"] = "umkm", nik
		got := e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients", r), 201)
		b.niks = append(b.niks, nik)
		b.ids = append(b.ids, fmt.Sprintf("%.0f", got["id"]))
	}
	return b
}

// batchForm is the common part of a batch: the program, 2024-03-05, TRX-B.
func batchForm(extra url.Values) url.Values {
	f := url.Values{"program": {"BATCH-2024"}, "amount": {"2.400.000"}, "tranche": {"1"}, "form": {"transfer"},
		"disbursed_on": {"2024-03-05"}, "payment_ref": {"TRX-B"}, "op": {"save"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// gridRow is a row left in the grid: what it names and why it was refused.
type gridRow struct{ who, amount, err string }

func gridRows(t *testing.T, body string) []gridRow {
	t.Helper()
	var out []gridRow
	for _, tr := range elements(t, body, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
		var r gridRow
		walk(tr, func(n *html.Node) {
			switch {
			case n.Data == "input" && attr(n, "name") == "who":
				r.who = attr(n, "value")
			case n.Data == "input" && attr(n, "name") == "row_amount":
				r.amount = attr(n, "value")
			case n.Data == "span" && attr(n, "class") == "field-error":
				r.err = text(n)
			}
		})
		if r.who != "" {
			out = append(out, r)
		}
	}
	return out
}

// batchList is the program's disbursements, as "recipient amount status" lines.
func (b *batchWorld) list(t *testing.T) []string {
	t.Helper()
	m := b.e.expect(t, b.e.do(t, b.e.w.Officer, "GET", "/api/v1/disbursements?program=BATCH-2024", nil), 200)
	var out []string
	for _, it := range m["items"].([]any) {
		d := it.(map[string]any)
		out = append(out, fmt.Sprintf("%.0f %s %s %s %s %s", d["recipient_id"], d["amount"], d["status"], d["disbursed_on"], d["payment_ref"], d["created_by"]))
	}
	return out
}

func TestBatch_Grid(t *testing.T) {
	t.Parallel()
	t.Run("PasteRecordsAndKeepsRefusedRows", func(t *testing.T) {
		b := newBatchWorld(t)
		paste := "NIK;jumlah\n" + b.niks[0] + "\n" + "9120000123456;1.500.000\r\n\n" +
			"Warung Bu Sari\n" + "6472014107900099\n" + "Sari\n" + b.niks[2] + ";abc\n"
		rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"paste": {paste}}))
		if rec.Code != 422 {
			t.Fatalf("%d: %.3000s", rec.Code, rec.Body.String())
		}
		want := []string{
			b.ids[0] + " 2400000.00 draft 2024-03-05 TRX-B officer@pilar.test",
			b.ids[1] + " 1500000.00 draft 2024-03-05 TRX-B officer@pilar.test",
		}
		if got := b.list(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("created\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		body := rec.Body.String()
		done := elements(t, body, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "class") == "done" })
		if len(done) != 2 || !strings.Contains(text(done[0]), "Warung Bu Sari") || !strings.Contains(text(done[1]), "Rp1.500.000") {
			t.Fatalf("results: %d rows: %.3000s", len(done), body)
		}
		links := elements(t, body, func(n *html.Node) bool {
			return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/disbursements/") && n.Parent.Data == "td"
		})
		if len(links) != 2 {
			t.Fatalf("%d links to the new records", len(links))
		}
		got := gridRows(t, body)
		wantRows := []gridRow{
			{"Warung Bu Sari", "", "Warung Bu Sari sudah memiliki penyaluran #1 di program Pelatihan BATCH-2024, tahap 1"},
			{"6472014107900099", "", "Penerima: tidak ada penerima dengan nama, NIK atau NIB ini; daftarkan penerima dahulu"},
			{"Sari", "", "Penerima: beberapa penerima cocok; tulis NIK-nya atau pilih dari pencarian"},
			{b.niks[2], "abc", "Nilai: harus bilangan desimal biasa seperti 2.400.000"},
		}
		if len(got) != len(wantRows) {
			t.Fatalf("grid %v, want %d rows", got, len(wantRows))
		}
		for i, w := range wantRows {
			if got[i] != w {
				t.Errorf("row %d: %+v, want %+v", i, got[i], w)
			}
		}
		if alerts := elements(t, body, func(n *html.Node) bool { return attr(n, "role") == "alert" }); len(alerts) != 1 ||
			text(alerts[0]) != "4 baris ditolak dan tetap di tabel; perbaiki lalu simpan lagi." {
			t.Fatalf("alerts: %d", len(alerts))
		}
	})
	t.Run("OneAmountPerRowThenCorrected", func(t *testing.T) {
		b := newBatchWorld(t)
		form := batchForm(url.Values{"amount": {""}, "who": {b.niks[0], "Toko Sari", "#" + b.ids[1], ""}, "row_amount": {"1.000.000", "", "2.400.000,50", "5"}})
		rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", form)
		left := gridRows(t, rec.Body.String())
		if rec.Code != 422 || len(left) != 1 || left[0] != (gridRow{"Toko Sari", "", "Nilai: wajib diisi"}) {
			t.Fatalf("%d: %+v", rec.Code, left)
		}
		// The refused row, corrected, goes through alone.
		rec = b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"amount": {""}, "who": {left[0].who}, "row_amount": {"750000"}}))
		if rec.Code != 200 || len(gridRows(t, rec.Body.String())) != 0 {
			t.Fatalf("%d: %+v", rec.Code, gridRows(t, rec.Body.String()))
		}
		want := []string{
			b.ids[0] + " 1000000.00 draft 2024-03-05 TRX-B officer@pilar.test",
			b.ids[1] + " 2400000.50 draft 2024-03-05 TRX-B officer@pilar.test",
			b.ids[2] + " 750000.00 draft 2024-03-05 TRX-B officer@pilar.test",
		}
		if got := b.list(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("created\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("SubmitAtOnce", func(t *testing.T) {
		b := newBatchWorld(t)
		rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"paste": {b.niks[0] + "\n" + b.niks[1]}, "submit": {"1"}}))
		if rec.Code != 200 {
			t.Fatalf("%d: %.3000s", rec.Code, rec.Body.String())
		}
		want := []string{
			b.ids[0] + " 2400000.00 submitted 2024-03-05 TRX-B officer@pilar.test",
			b.ids[1] + " 2400000.00 submitted 2024-03-05 TRX-B officer@pilar.test",
		}
		if got := b.list(t); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("created %v", got)
		}
		if done := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "tr" && attr(n, "class") == "done" }); len(done) != 2 || !strings.Contains(text(done[1]), "Diajukan") {
			t.Fatalf("%d results", len(done))
		}
	})
	t.Run("SearchThenPick", func(t *testing.T) {
		b := newBatchWorld(t)
		rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"op": {"search"}, "recipient_q": {"sari"}}))
		boxes := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "pick" })
		if rec.Code != 200 || len(boxes) != 2 || attr(boxes[0], "value") != b.ids[0] || attr(boxes[1], "value") != b.ids[2] {
			t.Fatalf("%d: %d candidates", rec.Code, len(boxes))
		}
		rec = b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"op": {"add"}, "who": {b.niks[1]}, "pick": {b.ids[0], b.ids[2]}}))
		got := gridRows(t, rec.Body.String())
		if rec.Code != 200 || len(got) != 3 || got[0].who != b.niks[1] || got[1].who != "#"+b.ids[0] || got[2].who != "#"+b.ids[2] {
			t.Fatalf("%d: grid %+v", rec.Code, got)
		}
		if body := text(parseHTML(t, rec.Body.String())); !strings.Contains(body, "Toko Sari Jaya") {
			t.Fatalf("the picked recipients are not named")
		}
		if got := b.list(t); len(got) != 0 {
			t.Fatalf("adding rows saved %v", got)
		}
		// Adding with nothing ticked or pasted says so, and keeps the grid.
		rec = b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"op": {"add"}, "who": {b.niks[1]}}))
		alerts := elements(t, rec.Body.String(), func(n *html.Node) bool { return attr(n, "role") == "alert" })
		if rec.Code != 422 || len(alerts) != 1 || text(alerts[0]) != "belum ada yang ditambahkan: tempel baris atau centang penerima dahulu" || len(gridRows(t, rec.Body.String())) != 1 {
			t.Fatalf("%d: %.2000s", rec.Code, rec.Body.String())
		}
	})
	t.Run("CommonFieldSaidOnce", func(t *testing.T) {
		b := newBatchWorld(t)
		rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"program": {"NO-SUCH"}, "paste": {b.niks[0] + "\n" + b.niks[1]}}))
		errs := elements(t, rec.Body.String(), func(n *html.Node) bool {
			return n.Data == "span" && attr(n, "class") == "field-error" && n.Parent.Data == "label"
		})
		if rec.Code != 422 || len(errs) != 1 || len(gridRows(t, rec.Body.String())) != 2 {
			t.Fatalf("%d: %d field errors: %.3000s", rec.Code, len(errs), rec.Body.String())
		}
		if got := b.list(t); len(got) != 0 {
			t.Fatalf("created %v", got)
		}
	})
	t.Run("NothingAndTooMuch", func(t *testing.T) {
		b := newBatchWorld(t)
		for _, tt := range []struct{ paste, want string }{
			{"\n\n", "isi setidaknya satu baris: tempel NIK, NIB atau nama, atau pilih penerima"},
			{strings.Repeat(b.niks[0]+"\n", 201), "paling banyak 200 baris sekaligus; gunakan halaman impor untuk lebih banyak"},
		} {
			rec := b.m.send(b.e.w.Officer, "POST", "/disbursements/batch", batchForm(url.Values{"paste": {tt.paste}}))
			alerts := elements(t, rec.Body.String(), func(n *html.Node) bool { return attr(n, "role") == "alert" })
			if rec.Code != 422 || len(alerts) != 1 || text(alerts[0]) != tt.want {
				t.Fatalf("%d: %.2000s", rec.Code, rec.Body.String())
			}
		}
		if got := b.list(t); len(got) != 0 {
			t.Fatalf("created %v", got)
		}
	})
	t.Run("OpensWithTheFixedAmount", func(t *testing.T) {
		b := newBatchWorld(t)
		rec := b.m.send(b.e.w.Officer, "GET", "/disbursements/batch?program=BATCH-2024", nil)
		in := elements(t, rec.Body.String(), func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "amount" })
		if rec.Code != 200 || len(in) != 1 || attr(in[0], "value") != "2.400.000" {
			t.Fatalf("%d: %.2000s", rec.Code, rec.Body.String())
		}
	})
	t.Run("RolesAndAgencies", func(t *testing.T) {
		b := newBatchWorld(t)
		for _, u := range []*finance.User{b.e.w.Auditor, b.e.w.Reviewer} {
			if rec := b.m.send(u, "GET", "/disbursements/batch", nil); rec.Code != 403 {
				t.Fatalf("%s: %d", u.Email, rec.Code)
			}
			if rec := b.m.send(u, "POST", "/disbursements/batch", batchForm(url.Values{"paste": {b.niks[0]}})); rec.Code != 403 {
				t.Fatalf("%s: %d", u.Email, rec.Code)
			}
		}
		// Another agency's program: refused whole, as the single form is.
		if rec := b.m.send(b.e.w.OtherOfficer, "POST", "/disbursements/batch", batchForm(url.Values{"paste": {b.niks[0] + "\n" + b.niks[1]}})); rec.Code != 403 {
			t.Fatalf("other agency: %d", rec.Code)
		}
		if got := b.list(t); len(got) != 0 {
			t.Fatalf("created %v", got)
		}
	})
}
