package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/web"
)

// TestImportPage_RefusedRowsInDatabase: the refused rows of an import are
// kept in the database, not in a file (TMPDIR stays empty), so a second
// server on the same database serves them, to the importing user only,
// until uploads.refused_ttl has passed (issue 17, item 10). Not parallel:
// it sets TMPDIR.
func TestImportPage_RefusedRowsInDatabase(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	driver, dsn := dbtest.Config(t)
	w := dbtest.NewWorldOn(t, dbtest.OpenDSN(t, driver, dsn))
	w.Store.RefusedTTL = 2 * time.Hour
	e := &env{w: w}
	var err error
	if e.srv, err = web.New(w.Store, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	// A second server: its own store (connection pool) on the database.
	st2 := dbtest.OpenDSN(t, driver, dsn)
	st2.RefusedTTL = 2 * time.Hour
	srv2, err := web.New(st2, config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	session := func(u int) (string, string) {
		us := w.Officer
		if u == 1 {
			us = w.Reviewer
		}
		id, err := w.Store.CreateSession(w.Ctx(us), us)
		if err != nil {
			t.Fatal(err)
		}
		s, err := w.Store.SessionByID(w.Ctx(us), id, 1<<62, 1<<62)
		if err != nil {
			t.Fatal(err)
		}
		return id, s.CSRF
	}
	id, csrf := session(0)
	file := "kind,name,nik\numkm,Amplang,6472014506850001\numkm,Bad,6472014506850\n"
	req := multipartRequest(t, "POST", "/import?kind=recipients", "r.csv", file)
	req.AddCookie(&http.Cookie{Name: "pilar_session", Value: id})
	req.Header.Set("X-CSRF-Token", csrf)
	rec := serve(e, req)
	link := regexp.MustCompile(`href="(/import/refused/[^"]+)"`).FindStringSubmatch(rec.Body.String())
	if rec.Code != 200 || link == nil {
		t.Fatalf("%d, no download link: %s", rec.Code, rec.Body)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("the import left %d files in TMPDIR (%s...)", len(left), left[0].Name())
	}
	get := func(srv *web.Server, sid string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", link[1], nil)
		req.AddCookie(&http.Cookie{Name: "pilar_session", Value: sid})
		rec := httptest.NewRecorder()
		srv.Echo.ServeHTTP(rec, req)
		return rec
	}
	dl := get(srv2, id)
	if dl.Code != 200 || !strings.Contains(dl.Body.String(), "umkm,Bad,6472014506850,nik: ") || strings.Contains(dl.Body.String(), "Amplang") {
		t.Fatalf("the other server: %d %q", dl.Code, dl.Body)
	}
	if cd := dl.Header().Get("Content-Disposition"); !strings.Contains(cd, "refused-rows.csv") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	other, _ := session(1)
	if rec := get(srv2, other); rec.Code != 404 {
		t.Fatalf("another user's download: %d", rec.Code)
	}
	// Past uploads.refused_ttl it is gone, and the next save deletes it.
	later := time.Now().Add(3 * time.Hour)
	st2.Now = func() time.Time { return later }
	w.Store.Now = st2.Now
	id2, _ := session(0)
	if rec := get(srv2, id2); rec.Code != 404 {
		t.Fatalf("an expired download: %d", rec.Code)
	}
	if _, err := w.Store.SaveRefusedRows(w.Ctx(w.Officer), []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	db, _ := w.Store.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM refused_rows").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d refused_rows rows (err %v), want only the new one", n, err)
	}
}
