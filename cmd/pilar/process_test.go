package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"pilar/internal/store"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds pilar once per test run and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pilar-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "pilar")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// TestMain removes the built binary after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// server is a `pilar serve` subprocess.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	done   chan error
}

// startServer runs `pilar serve --addr 127.0.0.1:0` with env and waits until
// it says where it listens.
func startServer(t *testing.T, env []string) *server {
	t.Helper()
	cmd := exec.Command(binary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), env...)
	cmd.Dir = t.TempDir() // no stray ./config.yaml
	s := &server{t: t, cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: s.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "Pilar is running at http://"); ok {
			s.addr = a
			break
		}
	}
	go io.Copy(io.Discard, out)
	go func() { s.done <- cmd.Wait() }()
	if s.addr == "" {
		<-s.done
		t.Fatalf("pilar serve did not start:\n%s", s.stderr)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// stop sends sig and returns the exit code.
func (s *server) stop(sig os.Signal) int {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
	err := <-s.done
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return 0
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// recipientsUpload is a multipart body with n recipients, and its type.
func recipientsUpload(n int) ([]byte, string) {
	var csv strings.Builder
	csv.WriteString("kind,name,nik\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&csv, "umkm,Usaha %d,647201450685%04d\n", i, i)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "recipients.csv")
	io.WriteString(fw, csv.String())
	mw.Close()
	return body.Bytes(), mw.FormDataContentType()
}

// startUpload sends the headers of an import with Expect: 100-continue and
// waits for the server's 100 Continue: from then on the handler is running
// and reading the body, so the request is in flight.
func startUpload(t *testing.T, addr, token, contentType string, size int) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST /api/v1/recipients/import HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		addr, token, contentType, size)
	br := bufio.NewReader(conn)
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
		t.Fatalf("want 100 Continue, got %q (%v)", line, err)
	}
	if blank, _ := br.ReadString('\n'); blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q", blank)
	}
	return conn, br
}

// TestServe_GracefulShutdown runs pilar serve as a process and stops it with
// SIGTERM (and SIGINT) while an import is in flight.
func TestServe_GracefulShutdown(t *testing.T) {
	setup := func(t *testing.T) (*cli, string) {
		c := newCLI(t)
		c.must("correct-horse-battery\n", "user", "add", "--email", "admin@pilar.test", "--name", "Admin", "--role", "admin")
		return c, strings.TrimSpace(c.must("", "token", "create", "--email", "admin@pilar.test"))
	}
	for name, sig := range map[string]syscall.Signal{"SIGTERM": syscall.SIGTERM, "SIGINT": syscall.SIGINT} {
		t.Run("FinishesTheImportInFlight/"+name, func(t *testing.T) {
			c, token := setup(t)
			s := startServer(t, c.env)
			const rows = 1200 // three batches of 500
			body, ct := recipientsUpload(rows)
			conn, br := startUpload(t, s.addr, token, ct, len(body))
			if err := s.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.Write(body); err != nil {
				t.Fatal(err)
			}
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("the request in flight got no answer: %v\n%s", err, s.stderr)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !strings.Contains(string(b), fmt.Sprintf(`"created":%d`, rows)) {
				t.Fatalf("import during shutdown: %d %s", res.StatusCode, b)
			}
			if err := <-s.done; err != nil {
				t.Fatalf("pilar serve exited with %v\n%s", err, s.stderr)
			}
			if !strings.Contains(s.stderr.String(), "shutting down") {
				t.Fatalf("no shutdown in the log:\n%s", s.stderr)
			}
			// A new connection is refused now.
			if conn, err := net.Dial("tcp", s.addr); err == nil {
				conn.Close()
				t.Fatalf("%s still accepts connections after the process exited", s.addr)
			}
			checkDatabase(t, c, rows)
		})
	}
	t.Run("CutsOffAfterTheTimeout", func(t *testing.T) {
		c, token := setup(t)
		s := startServer(t, append(c.env, "PILAR_SERVER_SHUTDOWN_TIMEOUT=200ms"))
		_, ct := recipientsUpload(1)
		startUpload(t, s.addr, token, ct, 1<<20) // and never send the body
		if code := s.stop(syscall.SIGTERM); code != 0 {
			t.Fatalf("exit %d\n%s", code, s.stderr)
		}
		if !strings.Contains(s.stderr.String(), "shutdown timeout reached") {
			t.Fatalf("the cut-off is not logged:\n%s", s.stderr)
		}
		checkDatabase(t, c, 0)
	})
}

// checkDatabase asserts, after the server stopped, that the database holds
// want recipients, is sound (SQLite: integrity_check) and its audit chain
// verifies.
func checkDatabase(t *testing.T, c *cli, want int) {
	t.Helper()
	c.must("", "audit", "verify")
	driver, dsn := c.get("PILAR_DATABASE_DRIVER"), c.get("PILAR_DATABASE_DSN")
	if driver == "sqlite" {
		sn, err := store.InspectSQLite(context.Background(), dsn)
		if err != nil || sn.Integrity != "ok" || sn.Rows("recipients") != int64(want) {
			t.Fatalf("after shutdown: %+v %v; want %d recipients", sn, err, want)
		}
		return
	}
	st, err := store.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	db, _ := st.DB()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM recipients").Scan(&n); err != nil || n != want {
		t.Fatalf("%d recipients (%v), want %d", n, err, want)
	}
}
