// Package logging builds Pilar's structured logger (log/slog): JSON when
// the log does not go to a terminal (a service manager or a collector reads
// it), text for a person at a terminal, at the configured level. Every
// value passes a redactor, so that a password, an API token or a full NIK
// never reaches the log even if a caller puts one there by mistake.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/mattn/go-isatty"
)

// New returns a logger writing to w. format is "auto" (JSON unless w is a
// terminal), "json" or "text"; level is debug, info, warn or error.
func New(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	lv.UnmarshalText([]byte(level)) // validated by config; info on ""
	opts := &slog.HandlerOptions{Level: lv, ReplaceAttr: redactAttr}
	if format == "text" || (format == "auto" && isTerminal(w)) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// secretKeys are attribute names whose values are never written.
var secretKeys = []string{"password", "passwd", "token", "secret", "authorization", "cookie", "csrf", "session"}

var (
	// nikRe finds a run of 16 digits (a NIK, also a KK number) or more.
	nikRe = regexp.MustCompile(`\d{16,}`)
	// tokenRe finds an API token (pilar_ and its secret).
	tokenRe = regexp.MustCompile(`pilar_[A-Za-z0-9_\-]{8,}`)
)

// Redact masks what must not be logged in a text: a NIK keeps its first
// six digits (the region) and an API token its prefix.
func Redact(s string) string {
	if strings.Contains(s, "pilar_") {
		s = tokenRe.ReplaceAllString(s, "pilar_[redacted]")
	}
	return nikRe.ReplaceAllStringFunc(s, func(d string) string {
		return d[:6] + strings.Repeat("*", len(d)-6)
	})
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	key := strings.ToLower(a.Key)
	for _, k := range secretKeys {
		if strings.Contains(key, k) && a.Key != "request_id" {
			return slog.String(a.Key, "[redacted]")
		}
	}
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); s != Redact(s) {
			return slog.String(a.Key, Redact(s))
		}
	case slog.KindAny:
		switch v := a.Value.Any().(type) {
		case error:
			return slog.String(a.Key, Redact(v.Error()))
		case string:
			return slog.String(a.Key, Redact(v))
		default:
			if s, ok := v.(interface{ String() string }); ok {
				return slog.String(a.Key, Redact(s.String()))
			}
		}
	}
	return a
}

type ctxKey struct{}

// With returns ctx carrying log, the logger of one request (with its id).
func With(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, ctxKey{}, log)
}

// From returns the logger carried in ctx, or fallback.
func From(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(ctxKey{}).(*slog.Logger); ok {
		return l
	}
	return fallback
}

// RequestID returns the id a proxy or client sent in X-Request-Id when it
// is sane (1 to 64 letters, digits and . _ - :, nothing that could forge
// a log line or a header), else a new random one.
func RequestID(sent string) string {
	if SaneRequestID(sent) {
		return sent
	}
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// SaneRequestID reports whether id may be used as a request id.
func SaneRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ':') {
			return false
		}
	}
	return true
}
