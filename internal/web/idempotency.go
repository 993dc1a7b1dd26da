package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// idempotent makes a POST sent with an Idempotency-Key happen once: the
// same key with the same request answers the first status and body again,
// the same key with another request is a 409 (API.md, conventions).
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		if c.Request().Method != http.MethodPost || key == "" {
			return next(c)
		}
		if len(key) > 255 {
			return finance.Errorf(finance.EBadRequest, "an Idempotency-Key is at most 255 characters")
		}
		hash, err := requestHash(c)
		if err != nil {
			return err
		}
		ctx := c.Request().Context()
		first, err := s.svc.BeginIdempotent(ctx, key, hash)
		if err != nil {
			return err
		}
		if first != nil {
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(first.Status, first.ContentType, first.Body)
		}
		tee := &teeWriter{ResponseWriter: c.Response().Writer}
		c.Response().Writer = tee
		finished := false
		defer func() {
			if !finished { // a panic: let the key be used again
				s.svc.AbandonIdempotent(context.WithoutCancel(ctx), key)
			}
		}()
		if err := next(c); err != nil {
			c.Error(err)
		}
		finished = true
		res := finance.IdempotentResponse{Status: c.Response().Status, ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: tee.buf.Bytes()}
		if res.Status >= 500 {
			err = s.svc.AbandonIdempotent(context.WithoutCancel(ctx), key)
		} else {
			err = s.svc.FinishIdempotent(context.WithoutCancel(ctx), key, res)
		}
		if err != nil {
			s.reqLog(c).Error("idempotency key not stored", "err", err)
		}
		return nil
	}
}

// requestHash hashes the method, the path with its query, and the body,
// which it reads and puts back. A multipart body's boundary is left out:
// clients draw a new one for every retry of the same upload.
func requestHash(c echo.Context) (string, error) {
	r := c.Request()
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return "", finance.Errorf(finance.ETooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	} else if err != nil {
		return "", finance.Errorf(finance.EBadRequest, "the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if _, params, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); err == nil && params["boundary"] != "" {
		body = bytes.ReplaceAll(body, []byte(params["boundary"]), nil)
	}
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n")
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// teeWriter keeps a copy of the response body it passes on.
type teeWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}
