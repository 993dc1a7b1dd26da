package logging

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"nik=6472014506850001":                        "nik=647201**********",
		"Key (nik)=(6472014506850001) already exists": "Key (nik)=(647201**********) already exists",
		"Bearer pilar_AbCdEf0123456789xyz":            "Bearer pilar_[redacted]",
		"row 12: capital 250000000":                   "row 12: capital 250000000",
		"/recipients/12":                              "/recipients/12",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNew(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, "warn", "auto") // a buffer is no terminal: JSON
	log.Info("hidden below the level")
	log.Warn("sign-in", "password", "correct-horse-battery", "authorization", "Bearer x", "err", errors.New("nik 6472014506850001 taken"), "email", "a@pilar.test")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || strings.Count(buf.String(), "\n") != 1 {
		t.Fatalf("want one JSON line, got %q (%v)", buf.String(), err)
	}
	if line["password"] != "[redacted]" || line["authorization"] != "[redacted]" || line["err"] != "nik 647201********** taken" || line["email"] != "a@pilar.test" {
		t.Fatalf("got %v", line)
	}
	buf.Reset()
	New(&buf, "debug", "text").Debug("x", "k", "v")
	if !strings.Contains(buf.String(), "level=DEBUG") {
		t.Fatalf("text format: %q", buf.String())
	}
}

func TestRequestID(t *testing.T) {
	if got := RequestID("abc-123.x:y_z"); got != "abc-123.x:y_z" {
		t.Errorf("a sane id is kept: %q", got)
	}
	for _, bad := range []string{"", "has space", "line\nbreak", strings.Repeat("a", 65), "ü", `"quote"`} {
		if got := RequestID(bad); got == bad || !SaneRequestID(got) || len(got) != 24 {
			t.Errorf("RequestID(%q) = %q, want a new id", bad, got)
		}
	}
}

var digits16 = regexp.MustCompile(`\d{16}`)

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"6472014506850001", "pilar_abcdefgh12345678", "x64720145068500011y", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Redact(s)
		if digits16.MatchString(out) {
			t.Fatalf("Redact(%q) = %q still holds 16 digits", s, out)
		}
		if regexp.MustCompile(`pilar_[A-Za-z0-9_\-]{8,}`).MatchString(strings.ReplaceAll(out, "pilar_[redacted]", "")) {
			t.Fatalf("Redact(%q) = %q still holds a token", s, out)
		}
	})
}

func FuzzRequestID(f *testing.F) {
	for _, s := range []string{"abc", "a b", "\r\nX-Evil: 1", strings.Repeat("z", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := RequestID(s)
		if !SaneRequestID(id) || strings.ContainsAny(id, "\r\n \"") || len(id) > 64 {
			t.Fatalf("RequestID(%q) = %q", s, id)
		}
	})
}
