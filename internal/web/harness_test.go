package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"pilar/internal/config"
	"pilar/internal/dbtest"
	"pilar/internal/finance"
	"pilar/internal/web"
)

// env is a test server over a fresh database with the dbtest world and an
// API token per fixture user.
type env struct {
	w      *dbtest.World
	srv    *web.Server
	tokens map[*finance.User]string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvConfig(t, func(*config.Config) {})
}

// newEnvConfig is newEnv with the configuration changed by edit.
func newEnvConfig(t testing.TB, edit func(*config.Config)) *env {
	t.Helper()
	w := dbtest.NewWorld(t)
	cfg := config.Default()
	cfg.Uploads.MaxBytes = 1 << 20
	edit(&cfg)
	srv, err := web.New(w.Store, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{w: w, srv: srv, tokens: map[*finance.User]string{}}
	for _, u := range []*finance.User{w.Admin, w.Auditor, w.Reviewer, w.Officer, w.OtherReviewer, w.OtherOfficer} {
		secret, _, err := w.Store.CreateToken(finance.WithActor(context.Background(), finance.System), u.Email, "test")
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[u] = secret
	}
	return e
}

// do sends a request, on behalf of the (sub)test t, as u (nil: no token) with a JSON body (string or
// value) and returns the recorder.
func (e *env) do(t testing.TB, u *finance.User, method, path string, body any) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		buf, _ := json.Marshal(b)
		r = bytes.NewBuffer(buf)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+e.tokens[u])
	}
	rec := httptest.NewRecorder()
	e.srv.Echo.ServeHTTP(rec, req)
	return rec
}

// expect asserts, on behalf of the (sub)test t, the status and decodes the JSON body into a map.
func (e *env) expect(t testing.TB, rec *httptest.ResponseRecorder, status int) map[string]any {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d; body %s", rec.Code, status, rec.Body.String())
	}
	var m map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("body is not a JSON object: %s", rec.Body.String())
		}
	}
	return m
}

// errorCode is the error.code of an error body.
func errorCode(m map[string]any) string {
	if e, ok := m["error"].(map[string]any); ok {
		c, _ := e["code"].(string)
		return c
	}
	return ""
}

func errorField(m map[string]any, field string) string {
	if e, ok := m["error"].(map[string]any); ok {
		if f, ok := e["fields"].(map[string]any); ok {
			s, _ := f[field].(string)
			return s
		}
	}
	return ""
}

// programBody is a valid program for the fixture's agency.
func programBody(code string, budget any) map[string]any {
	return map[string]any{
		"code": code, "name": "Pelatihan " + code, "kind": "training", "funding_source": "DAK",
		"agency": "DKUMKM-KALTIM", "fiscal_year": 2024, "budget": budget,
		"starts_on": "2024-01-01", "ends_on": "2024-12-31", "target_recipients": 659,
	}
}

func httptestRequest(method, path, auth string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}

func serve(e *env, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.srv.Echo.ServeHTTP(rec, req)
	return rec
}
