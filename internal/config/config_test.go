package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pilar/internal/recon"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "c.yaml")
	os.WriteFile(file, []byte("database:\n  dsn: x.db\nuploads:\n  max_bytes: 2048\n"), 0o600)
	c, err := Load(file, []string{"PILAR_DATABASE_DSN=y.db", "PILAR_SESSIONS_IDLE_TIMEOUT=5m", "OTHER=1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.DSN != "y.db" || c.Uploads.MaxBytes != 2048 || c.Sessions.IdleTimeout != 5*time.Minute || c.Server.Addr != "127.0.0.1:8080" {
		t.Fatalf("got %+v", c)
	}
	for _, tc := range []struct {
		env  string
		want string
	}{
		{"PILAR_DATABASE_DRIVER=mysql", "database.driver"},
		{"PILAR_UPLOADS_MAX_BYTES=lots", "PILAR_UPLOADS_MAX_BYTES"},
		{"PILAR_SESSIONS_IDLE_TIMEOUT=soon", "PILAR_SESSIONS_IDLE_TIMEOUT"},
		{"PILAR_LANG=fr", "lang"},
		{"PILAR_EXCLUSION_KEY=short", "exclusion.key"},
	} {
		_, err := Load(file, []string{tc.env})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to name %s", tc.env, err, tc.want)
		}
	}
	if c, err := Load(file, []string{"PILAR_EXCLUSION_KEY=" + strings.Repeat("k", 32)}); err != nil || c.Exclusion.Key != strings.Repeat("k", 32) {
		t.Errorf("a 32-character exclusion key: %v, %q", err, c.Exclusion.Key)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), nil); err == nil {
		t.Error("a missing explicit file must be an error")
	}
	os.WriteFile(file, []byte("databse:\n  dsn: x\n"), 0o600)
	if _, err := Load(file, nil); err == nil || !strings.Contains(err.Error(), "databse") {
		t.Errorf("unknown key: %v", err)
	}
}

func TestRepositoryConfigIsValid(t *testing.T) {
	t.Parallel()
	c, err := Load("../../config.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	// the shipped bank profiles are the built-in ones, so that the comments
	// on what is verified describe what runs
	for name, want := range recon.BankProfiles {
		if got := c.Statements.CSVProfiles[name]; got != want {
			t.Errorf("config.yaml csv_profiles.%s = %+v, built in %+v", name, got, want)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(file, []byte("server:\n  trusted_proxies: [10.0.0.0/8, \"2001:db8::/32\"]\n"), 0o600)
	c, err := Load(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	nets, err := c.Server.TrustedProxyNets()
	if err != nil || len(nets) != 2 || nets[0].String() != "10.0.0.0/8" || nets[1].String() != "2001:db8::/32" {
		t.Fatalf("got %v, %v", nets, err)
	}
	c, err = Load(file, []string{"PILAR_SERVER_TRUSTED_PROXIES=192.0.2.10/32, 198.51.100.0/24"})
	if err != nil || len(c.Server.TrustedProxies) != 2 || c.Server.TrustedProxies[1] != "198.51.100.0/24" {
		t.Fatalf("from the environment: %v, %v", c.Server.TrustedProxies, err)
	}
	for _, bad := range []string{"10.0.0.1", "nginx", "10.0.0.0/33", ""} {
		_, err := Load(file, []string{"PILAR_SERVER_TRUSTED_PROXIES=" + bad + ",x"})
		if err == nil || !strings.Contains(err.Error(), "server.trusted_proxies") {
			t.Errorf("%q: error %v, want it to name server.trusted_proxies", bad, err)
		}
	}
}

func TestTimezone(t *testing.T) {
	c := Default()
	if c.Timezone != "Asia/Makassar" || c.Location().String() != "Asia/Makassar" {
		t.Fatalf("default timezone %q", c.Timezone)
	}
	c.Timezone = "Asia/Jakarta"
	if err := c.Validate(); err != nil || c.Location().String() != "Asia/Jakarta" {
		t.Fatalf("Asia/Jakarta: %v", err)
	}
	c.Timezone = "Kalimantan/Samarinda"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "timezone") {
		t.Fatalf("a zone that does not exist: %v", err)
	}
}

func TestOpsSettings(t *testing.T) {
	t.Parallel()
	c := Default()
	if c.Server.ShutdownTimeout != 30*time.Second || strings.Join(c.Metrics.Allow, ",") != "127.0.0.0/8,::1/128" || c.Log.Level != "info" || c.Log.Format != "auto" {
		t.Fatalf("defaults: %+v %+v %+v", c.Server, c.Metrics, c.Log)
	}
	file := filepath.Join(t.TempDir(), "none.yaml")
	os.WriteFile(file, nil, 0o600)
	c, err := Load(file, []string{"PILAR_METRICS_ALLOW=10.0.0.0/8, 192.168.1.7/32", "PILAR_SERVER_SHUTDOWN_TIMEOUT=5s", "PILAR_LOG_LEVEL=debug", "PILAR_LOG_FORMAT=json"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.Metrics.Allow, ",") != "10.0.0.0/8,192.168.1.7/32" || c.Server.ShutdownTimeout != 5*time.Second || c.Log.Level != "debug" || c.Log.Format != "json" {
		t.Fatalf("from the environment: %+v %+v %+v", c.Server, c.Metrics, c.Log)
	}
	for env, key := range map[string]string{
		"PILAR_METRICS_ALLOW=10.0.0.0/33":  "metrics.allow",
		"PILAR_METRICS_ALLOW=localhost":    "metrics.allow",
		"PILAR_SERVER_SHUTDOWN_TIMEOUT=0s": "server.shutdown_timeout",
		"PILAR_LOG_LEVEL=verbose":          "log.level",
		"PILAR_LOG_FORMAT=xml":             "log.format",
	} {
		if _, err := Load(file, []string{env}); err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: %v, want it to name %s", env, err, key)
		}
	}
}
