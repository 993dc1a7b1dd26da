package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"pilar/internal/web"
)

// multipartBody is content as the field "file", under the boundary.
func multipartBody(t *testing.T, boundary string, content io.Reader) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.SetBoundary(boundary)
	fw, _ := mw.CreateFormFile("file", "upload.csv")
	io.Copy(fw, content)
	mw.Close()
	return &b, mw.FormDataContentType()
}

// TestRequestHash_Spools: the idempotency middleware hashes a 40 MiB upload
// while spooling it to disk, allocating a small fraction of it, puts the
// same bytes back for the handler, and hashes the same upload under two
// boundaries alike and a changed byte differently (issue 17, item 11).
func TestRequestHash_Spools(t *testing.T) {
	const size = 40 << 20
	row := "umkm,Amplang,6472014506850001\n"
	content := strings.Repeat(row, size/len(row))
	hashOf := func(boundary, content string) (string, int, uint64) {
		body, ct := multipartBody(t, boundary, strings.NewReader(content))
		n := body.Len()
		req := httptest.NewRequest("POST", "/api/v1/recipients/import", body)
		req.Header.Set("Content-Type", ct)
		c := echo.New().NewContext(req, httptest.NewRecorder())
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sum, cleanup, err := web.RequestHash(c)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		defer cleanup()
		back, _ := io.ReadAll(c.Request().Body)
		if len(back) != n {
			t.Fatalf("the handler gets %d bytes back, want %d", len(back), n)
		}
		return sum, n, after.TotalAlloc - before.TotalAlloc
	}
	a, n, grew := hashOf("boundaryAAAA", content)
	t.Logf("hashing a %d-byte upload allocated %d bytes", n, grew)
	if grew > 4<<20 {
		t.Fatalf("hashing a %d-byte upload allocated %d bytes; it must be spooled, not read into memory", n, grew)
	}
	if b, _, _ := hashOf("boundaryBBBB", content); b != a {
		t.Fatal("the same upload under another boundary hashes differently")
	}
	if c, _, _ := hashOf("boundaryAAAA", content[:len(content)-2]+"2\n"); c == a {
		t.Fatal("a changed upload hashes the same")
	}
}
