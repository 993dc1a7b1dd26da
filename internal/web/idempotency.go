package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// testHookIdempotent, when set (by tests), is called at "before_commit" (the
// effect and the key's answer are written, not committed) and
// "after_commit" (committed, the answer not yet sent).
var testHookIdempotent func(stage string)

// errUncommitted rolls back a request whose answer is not kept.
var errUncommitted = errors.New("web: request rolled back")

// idempotent makes a POST sent with an Idempotency-Key happen once: the
// same key with the same request answers the first status and body again,
// the same key with another request is a 409 (API.md, conventions).
//
// The reservation of the key, the request's effect and the stored answer
// are one transaction, committed before the answer is sent: a process that
// dies in between leaves neither the effect nor the key, and the retry runs
// anew; one that dies after the commit leaves both, and the retry gets the
// answer replayed (issue 17, item 3). A second request under the same key
// waits for the first to commit or roll back. A refused request (4xx) keeps
// what it counted (identifier lookups) and its answer; a 429 or 503 is not
// kept, so a retry later runs; a 5xx rolls everything back.
func (s *Server) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get("Idempotency-Key")
		if c.Request().Method != http.MethodPost || key == "" {
			return next(c)
		}
		if len(key) > 255 {
			return finance.Errorf(finance.EBadRequest, "an Idempotency-Key is at most 255 characters")
		}
		hash, cleanup, err := requestHash(c)
		if err != nil {
			return err
		}
		defer cleanup()
		ctx := c.Request().Context()
		buf := &bufferWriter{header: c.Response().Writer.Header()}
		real := c.Response().Writer
		returned := false
		defer func() {
			if !returned { // a panic rolled back: the error answer must go out
				resp := c.Response()
				resp.Writer = real
				resp.Committed, resp.Status, resp.Size = false, 0, 0
			}
		}()
		var replay *finance.IdempotentResponse
		var res finance.IdempotentResponse
		err = s.svc.InTx(ctx, func(tctx context.Context) error {
			first, err := s.svc.BeginIdempotent(tctx, key, hash)
			if err != nil || first != nil {
				replay = first
				return err
			}
			c.SetRequest(c.Request().WithContext(tctx))
			c.Response().Writer = buf
			if err := next(c); err != nil {
				c.Error(err)
			}
			c.Response().Writer = real
			c.SetRequest(c.Request().WithContext(ctx))
			if buf.status == 0 {
				buf.status = http.StatusOK
			}
			res = finance.IdempotentResponse{Status: buf.status, ContentType: buf.header.Get(echo.HeaderContentType), Body: buf.body.Bytes()}
			switch {
			case res.Status >= 500:
				return errUncommitted
			case res.Status == http.StatusTooManyRequests:
				err = s.svc.AbandonIdempotent(tctx, key)
			default:
				err = s.svc.FinishIdempotent(tctx, key, res)
			}
			if err == nil && testHookIdempotent != nil {
				testHookIdempotent("before_commit")
			}
			return err
		})
		returned = true
		switch {
		case replay != nil:
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(replay.Status, replay.ContentType, replay.Body)
		case res.Status == 0: // refused before the handler ran
			return err
		case errors.Is(err, errUncommitted):
			// A 5xx: nothing committed, the error answer goes out as it is.
		case err != nil && res.Status < 400:
			// The effect did not commit: the answer must not be sent.
			if !errors.Is(err, errUncommitted) {
				s.log.Error("idempotent request not committed", "err", err)
			}
			resp := c.Response()
			resp.Committed, resp.Status, resp.Size = false, 0, 0
			return errInternal
		case err != nil && res.Status < 500 && res.Status != http.StatusTooManyRequests:
			// A refusal in a transaction that can no longer commit (an
			// aborted PostgreSQL transaction): keep the answer on its own.
			if kerr := s.keepRefusal(ctx, key, hash, res); kerr != nil {
				s.log.Error("idempotency key not stored", "err", kerr)
			}
		}
		if testHookIdempotent != nil {
			testHookIdempotent("after_commit")
		}
		buf.sendTo(real)
		return nil
	}
}

// keepRefusal stores a refused request's answer under its key.
func (s *Server) keepRefusal(ctx context.Context, key, hash string, res finance.IdempotentResponse) error {
	return s.svc.InTx(ctx, func(ctx context.Context) error {
		first, err := s.svc.BeginIdempotent(ctx, key, hash)
		if err != nil || first != nil {
			return err
		}
		return s.svc.FinishIdempotent(ctx, key, res)
	})
}

// bufferWriter holds a response until its transaction has committed.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferWriter) Header() http.Header { return w.header }
func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

func (w *bufferWriter) sendTo(real http.ResponseWriter) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	real.WriteHeader(w.status)
	real.Write(w.body.Bytes())
}

// requestHash hashes the method, the path with its query, and the body,
// and puts the body back. A JSON body (at most MaxJSONBytes) is read into
// memory; a multipart upload (up to uploads.max_bytes) is spooled to a
// temporary file, removed by cleanup, and hashed part by part (names, file
// names and contents) without the boundary, which clients draw anew for
// every retry of the same upload: memory stays constant (issue 17, item 11).
func requestHash(c echo.Context) (sum string, cleanup func(), err error) {
	r := c.Request()
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.RequestURI()+"\n")
	cleanup = func() {}
	_, params, perr := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if perr != nil || params["boundary"] == "" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return "", cleanup, bodyError(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.Write(body)
		return hex.EncodeToString(h.Sum(nil)), cleanup, nil
	}
	f, err := os.CreateTemp("", "pilar-request-*")
	if err != nil {
		return "", cleanup, err
	}
	cleanup = func() { f.Close(); os.Remove(f.Name()) }
	if _, err := io.Copy(f, r.Body); err != nil {
		cleanup()
		return "", func() {}, bodyError(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err == nil {
		hashParts(h, multipart.NewReader(f, params["boundary"]))
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		cleanup()
		return "", func() {}, err
	}
	r.Body = io.NopCloser(f)
	return hex.EncodeToString(h.Sum(nil)), cleanup, nil
}

// hashParts writes each part's name, file name and content to h; a body
// that is not well-formed multipart is hashed up to where it breaks, and
// the handler then refuses it.
func hashParts(h hash.Hash, mr *multipart.Reader) {
	for {
		p, err := mr.NextRawPart()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				io.WriteString(h, "\x00broken:"+err.Error())
			}
			return
		}
		io.WriteString(h, "\x00part "+p.FormName()+"\x00"+p.FileName()+"\x00"+p.Header.Get("Content-Type")+"\x00")
		if _, err := io.Copy(h, p); err != nil {
			io.WriteString(h, "\x00broken:"+err.Error())
			return
		}
	}
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return finance.Errorf(finance.ETooLarge, "the request body is larger than %d bytes", tooBig.Limit)
	}
	return finance.Errorf(finance.EBadRequest, "the request body could not be read")
}
