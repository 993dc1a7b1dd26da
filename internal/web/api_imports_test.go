package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"
)

// upload posts content as the multipart field "file" to path as the officer.
func (e *env) upload(t testing.TB, path, content string) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "upload.csv")
	fw.Write([]byte(content))
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
	return serve(e, req)
}

func TestAPI_ImportRecipients(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := "Kind;Name;NIK\numkm;Amplang;6472014506850001\numkm;Bad;6.47201E+15\n"

	t.Run("Atomic", func(t *testing.T) {
		m := e.expect(t, e.upload(t, "/api/v1/recipients/import?atomic=true", file), 422)
		if errorCode(m) != "validation_failed" || m["created"] != 1.0 || m["failed"] != 1.0 {
			t.Fatalf("%v", m)
		}
		errs := m["errors"].([]any)
		if len(errs) != 1 || errs[0].(map[string]any)["row"] != 3.0 || errs[0].(map[string]any)["field"] != "nik" {
			t.Fatalf("%v", errs)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients", nil), 200)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("atomic import wrote %d recipients", n)
		}
	})
	t.Run("OK", func(t *testing.T) {
		m := e.expect(t, e.upload(t, "/api/v1/recipients/import", file), 200)
		if m["created"] != 1.0 || m["failed"] != 1.0 || m["skipped"] != 0.0 || len(m["skipped_rows"].([]any)) != 0 {
			t.Fatalf("%v", m)
		}
		m = e.expect(t, e.upload(t, "/api/v1/recipients/import", file), 200)
		if m["created"] != 0.0 || m["skipped"] != 1.0 || m["skipped_rows"].([]any)[0] != 2.0 {
			t.Fatalf("re-import: %v", m)
		}
	})
	t.Run("MissingColumns", func(t *testing.T) {
		m := e.expect(t, e.upload(t, "/api/v1/disbursements/import", "program_code,amount\nX,1\n"), 422)
		if errorField(m, "columns") != "recipient_nik or recipient_nib, disbursed_on" {
			t.Fatalf("%v", m)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		m := e.expect(t, e.upload(t, "/api/v1/recipients/import", ""), 422)
		if !strings.Contains(errorField(m, "file"), "empty") {
			t.Fatalf("%v", m)
		}
	})
	t.Run("TooLarge", func(t *testing.T) {
		// The test server allows 1 MiB; this file is 2 MiB of good rows.
		big := "kind,name,nik\n" + strings.Repeat("umkm,Amplang,6472014506850002\n", 2<<20/30)
		m := e.expect(t, e.upload(t, "/api/v1/recipients/import", big), 413)
		if errorCode(m) != "payload_too_large" {
			t.Fatalf("%v", m)
		}
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?nik=6472014506850002", nil), 200)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("refused upload wrote %d recipients", n)
		}
	})
	t.Run("NoFile", func(t *testing.T) {
		e.expect(t, e.do(t, e.w.Officer, "POST", "/api/v1/recipients/import", `{}`), 400)
	})
	t.Run("Chunked", func(t *testing.T) {
		// Without a declared length the limit is met while reading: still 413, nothing written.
		big := "kind,name,nik\n" + strings.Repeat("umkm,Amplang,6472014506850003\n", 2<<20/30)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "big.csv")
		fw.Write([]byte(big))
		mw.Close()
		req := httptest.NewRequest("POST", "/api/v1/recipients/import", io.NopCloser(&body))
		req.ContentLength = -1
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tokens[e.w.Officer])
		e.expect(t, serve(e, req), 413)
		list := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1/recipients?nik=6472014506850003", nil), 200)
		if n := len(list["items"].([]any)); n != 0 {
			t.Fatalf("refused upload wrote %d recipients", n)
		}
	})
}
