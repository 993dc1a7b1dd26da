// Package config loads Pilar's settings: defaults, then config.yaml, then
// PILAR_* environment variables (PILAR_DATABASE_DSN overrides database.dsn).
package config

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the zones, on hosts without a zoneinfo database

	"go.yaml.in/yaml/v3"

	"pilar/internal/recon"
)

// Config is every setting Pilar reads.
type Config struct {
	Database Database `yaml:"database"`
	Server   Server   `yaml:"server"`
	Uploads  Uploads  `yaml:"uploads"`
	Sessions Sessions `yaml:"sessions"`
	Privacy  Privacy  `yaml:"privacy"`
	Metrics  Metrics  `yaml:"metrics"`
	Log      Log      `yaml:"log"`
	Lang     string   `yaml:"lang"`
	// Exclusion holds the key of exclusion-list hashes.
	Exclusion Exclusion `yaml:"exclusion"`
	// Timezone is the IANA zone of the offices: every "today" (a default
	// paid_on, approved_on, the report year) and every displayed time is
	// taken in it. Asia/Makassar (WITA) for Kalimantan Timur and Utara,
	// Asia/Jakarta (WIB) for Kalimantan Tengah.
	Timezone string `yaml:"timezone"`
	// Statements and Reconciliation configure bank statement imports and matching (issue 11).
	Statements     Statements     `yaml:"statements"`
	Reconciliation Reconciliation `yaml:"reconciliation"`
}

// Location is the Timezone's location; Validate has checked it.
func (c Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Statements configures bank statement imports.
type Statements struct {
	// CSVProfiles maps a bank's name (bri, mandiri, bni, bankaltimtara, …)
	// to the column names of its CSV export; config.yaml may add banks or
	// change the shipped ones.
	CSVProfiles map[string]recon.CSVProfile `yaml:"csv_profiles"`
}

// Reconciliation configures matching statement lines to disbursements.
type Reconciliation struct {
	// WindowDays bounds |booking date - paid_on| for matches by amount
	// and account or by amount alone.
	WindowDays int64 `yaml:"window_days"`
}

// Privacy limits what roles shown masked data can learn by asking.
type Privacy struct {
	// LookupLimit is how many full-identifier lookups (NIK, NIB, account
	// or phone; creates refused as duplicates) a user shown masked data may
	// make per hour before getting 429.
	LookupLimit int64 `yaml:"lookup_limit"`
}

// Metrics governs /metrics.
type Metrics struct {
	// Allow lists the networks (CIDRs) that may read /metrics; others get
	// 403. PILAR_METRICS_ALLOW takes them separated by commas.
	Allow []string `yaml:"allow"`
}

// Log governs the structured log on stderr.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // auto (JSON unless a terminal), json or text
}

// Exclusion is the secret that keys the hashes of exclusion-list NIKs and
// NIBs (HMAC-SHA256). Without it Pilar runs, but refuses list uploads;
// changing it makes the stored lists match nobody until uploaded again.
type Exclusion struct {
	Key string `yaml:"key"` // PILAR_EXCLUSION_KEY; at least 32 characters
}

// Database chooses the engine.
type Database struct {
	Driver string `yaml:"driver"` // sqlite or postgres
	DSN    string `yaml:"dsn"`    // a file path for sqlite
}

// Server is the HTTP listener.
type Server struct {
	Addr         string        `yaml:"addr"`
	ReadTimeout  time.Duration `yaml:"read_timeout"`
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// ShutdownTimeout bounds how long a stopping server waits for requests
	// in flight before it cuts them off.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// TrustedProxies are the CIDRs of reverse proxies in front of Pilar.
	// Only a request from one of them has its client address taken from
	// X-Forwarded-For (the rightmost hop that is not a trusted proxy); with
	// none, the peer address is the client's. PILAR_SERVER_TRUSTED_PROXIES
	// takes them separated by commas.
	TrustedProxies []string `yaml:"trusted_proxies"`
}

// TrustedProxyNets parses TrustedProxies; Validate has checked them.
func (s Server) TrustedProxyNets() ([]*net.IPNet, error) {
	out := make([]*net.IPNet, 0, len(s.TrustedProxies))
	for _, c := range s.TrustedProxies {
		_, n, err := net.ParseCIDR(strings.TrimSpace(c))
		if err != nil {
			return nil, fmt.Errorf("config: server.trusted_proxies: %q is not a CIDR such as 10.0.0.0/8 or 192.0.2.10/32", c)
		}
		out = append(out, n)
	}
	return out, nil
}

// Uploads limits imported files.
type Uploads struct {
	MaxBytes int64 `yaml:"max_bytes"`
	// RefusedTTL is how long the refused rows of an import (a CSV with
	// NIKs and accounts, kept in the database) can be downloaded.
	RefusedTTL time.Duration `yaml:"refused_ttl"`
}

// Sessions govern signed-in browsers.
type Sessions struct {
	IdleTimeout     time.Duration `yaml:"idle_timeout"`
	AbsoluteTimeout time.Duration `yaml:"absolute_timeout"`
	SecureCookie    bool          `yaml:"secure_cookie"`
}

// Default returns the settings used when nothing else is given.
func Default() Config {
	return Config{
		Database:       Database{Driver: "sqlite", DSN: "pilar.db"},
		Server:         Server{Addr: "127.0.0.1:8080", ReadTimeout: 30 * time.Second, WriteTimeout: 5 * time.Minute, ShutdownTimeout: 30 * time.Second},
		Uploads:        Uploads{MaxBytes: 50 << 20, RefusedTTL: 24 * time.Hour},
		Sessions:       Sessions{IdleTimeout: 30 * time.Minute, AbsoluteTimeout: 12 * time.Hour},
		Privacy:        Privacy{LookupLimit: 60},
		Metrics:        Metrics{Allow: []string{"127.0.0.0/8", "::1/128"}},
		Log:            Log{Level: "info", Format: "auto"},
		Lang:           "id",
		Timezone:       "Asia/Makassar",
		Statements:     Statements{CSVProfiles: maps.Clone(recon.BankProfiles)},
		Reconciliation: Reconciliation{WindowDays: 3},
	}
}

// Load reads the file (if path is not empty, or ./config.yaml if present)
// over the defaults, then the environment, and validates the result.
func Load(path string, env []string) (Config, error) {
	c := Default()
	explicit := path != ""
	if !explicit {
		path = "config.yaml"
	}
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		dec := yaml.NewDecoder(strings.NewReader(string(b)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && err.Error() != "EOF" {
			return c, fmt.Errorf("config: %s: %w", path, err)
		}
	case explicit || !errors.Is(err, os.ErrNotExist):
		return c, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(reflect.ValueOf(&c).Elem(), "PILAR", env); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// applyEnv sets each field from PILAR_<SECTION>_<KEY> when present.
func applyEnv(v reflect.Value, prefix string, env []string) error {
	for i := 0; i < v.NumField(); i++ {
		f, sf := v.Field(i), v.Type().Field(i)
		name := prefix + "_" + strings.ToUpper(strings.Split(sf.Tag.Get("yaml"), ",")[0])
		if f.Kind() == reflect.Struct {
			if err := applyEnv(f, name, env); err != nil {
				return err
			}
			continue
		}
		val, ok := lookup(env, name)
		if !ok {
			continue
		}
		if err := setField(f, val); err != nil {
			return fmt.Errorf("config: %s=%q: %v", name, val, err)
		}
	}
	return nil
}

func lookup(env []string, name string) (string, bool) {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

func setField(f reflect.Value, val string) error {
	switch f.Interface().(type) {
	case string:
		f.SetString(val)
	case time.Duration:
		d, err := time.ParseDuration(val)
		if err != nil {
			return errors.New("must be a duration such as 30m")
		}
		f.SetInt(int64(d))
	case int64:
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return errors.New("must be a whole number")
		}
		f.SetInt(n)
	case []string:
		var list []string
		for _, v := range strings.Split(val, ",") {
			if v = strings.TrimSpace(v); v != "" {
				list = append(list, v)
			}
		}
		f.Set(reflect.ValueOf(list))
	case bool:
		b, err := strconv.ParseBool(val)
		if err != nil {
			return errors.New("must be true or false")
		}
		f.SetBool(b)
	}
	return nil
}

// Validate names the first key whose value cannot work.
func (c Config) Validate() error {
	switch {
	case c.Database.Driver != "sqlite" && c.Database.Driver != "postgres":
		return fmt.Errorf("config: database.driver must be sqlite or postgres, not %q", c.Database.Driver)
	case c.Database.DSN == "":
		return errors.New("config: database.dsn must not be empty")
	case c.Server.Addr == "":
		return errors.New("config: server.addr must not be empty")
	case c.Server.ReadTimeout <= 0 || c.Server.WriteTimeout <= 0:
		return errors.New("config: server.read_timeout and server.write_timeout must be positive")
	case c.Server.ShutdownTimeout <= 0:
		return errors.New("config: server.shutdown_timeout must be positive")
	case c.Log.Level != "debug" && c.Log.Level != "info" && c.Log.Level != "warn" && c.Log.Level != "error":
		return fmt.Errorf("config: log.level must be debug, info, warn or error, not %q", c.Log.Level)
	case c.Log.Format != "auto" && c.Log.Format != "json" && c.Log.Format != "text":
		return fmt.Errorf("config: log.format must be auto, json or text, not %q", c.Log.Format)
	case badCIDR(c.Metrics.Allow) != "":
		return fmt.Errorf("config: metrics.allow: %q is not a network such as 10.0.0.0/8", badCIDR(c.Metrics.Allow))
	case c.Uploads.MaxBytes < 1024:
		return fmt.Errorf("config: uploads.max_bytes must be at least 1024, not %d", c.Uploads.MaxBytes)
	case c.Sessions.IdleTimeout <= 0 || c.Sessions.AbsoluteTimeout < c.Sessions.IdleTimeout:
		return errors.New("config: sessions.idle_timeout must be positive and not longer than sessions.absolute_timeout")
	case c.Uploads.RefusedTTL < time.Minute || c.Uploads.RefusedTTL > 30*24*time.Hour:
		return fmt.Errorf("config: uploads.refused_ttl must be between 1m and 720h, not %v", c.Uploads.RefusedTTL)
	case c.Privacy.LookupLimit < 1 || c.Privacy.LookupLimit > 1_000_000:
		return fmt.Errorf("config: privacy.lookup_limit must be between 1 and 1000000, not %d", c.Privacy.LookupLimit)
	case c.Reconciliation.WindowDays < 1 || c.Reconciliation.WindowDays > 31:
		return fmt.Errorf("config: reconciliation.window_days must be between 1 and 31, not %d", c.Reconciliation.WindowDays)
	case c.Lang != "id" && c.Lang != "en":
		return fmt.Errorf("config: lang must be id or en, not %q", c.Lang)
	case c.Exclusion.Key != "" && len(c.Exclusion.Key) < 32:
		return fmt.Errorf("config: exclusion.key must be at least 32 characters (it is %d); generate one with: openssl rand -hex 32", len(c.Exclusion.Key))
	}
	if _, err := c.Server.TrustedProxyNets(); err != nil {
		return err
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		return fmt.Errorf("config: timezone must be an IANA zone such as Asia/Makassar or Asia/Jakarta, not %q", c.Timezone)
	}
	return nil
}

// badCIDR returns the first entry that is not a CIDR, or "".
func badCIDR(list []string) string {
	for _, c := range list {
		if _, err := netip.ParsePrefix(c); err != nil {
			return c
		}
	}
	return ""
}
