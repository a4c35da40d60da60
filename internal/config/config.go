// Package config loads fugong's configuration once, into a typed struct:
// embedded defaults (configs/fugong.yaml), then an optional file, then FUGONG_*
// environment variables. Nothing reads configuration from globals; the loaded
// Config is passed to whoever needs it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"fugong/configs"
)

// Config is the whole configuration of one fugong process.
type Config struct {
	HTTP     HTTP      `yaml:"http"`
	Log      Log       `yaml:"log"`
	Database Database  `yaml:"database"`
	Blob     Blob      `yaml:"blob"`
	MinIO    MinIO     `yaml:"minio"`
	Uploads  Uploads   `yaml:"uploads"`
	Rules    Rules     `yaml:"rules"`
	Data     Data      `yaml:"data"`
	Auth     Auth      `yaml:"auth"`
	Areas    Areas     `yaml:"areas"`
	Reports  Reports   `yaml:"reports"`
	Daily    Daily     `yaml:"daily"`
	Webhooks []Webhook `yaml:"webhooks"`
}

// Reports locates the department report views.
type Reports struct {
	File string `yaml:"file"` // empty: the copy of configs/reports.yaml built into the binary
}

// Daily locates the daily report's data set definition.
type Daily struct {
	File string `yaml:"file"` // empty: the copy of configs/daily.yaml built into the binary
}

// Webhook is a department system told of decisions: fugong POSTs signed JSON
// events to URL, retrying with backoff until it answers 2xx.
type Webhook struct {
	Name   string `yaml:"name"`
	URL    string `yaml:"url"`
	Secret string `yaml:"secret"` // HMAC-SHA256 key; the signature goes in X-Fugong-Signature
}

// Areas locates the zones and streets file.
type Areas struct {
	File string `yaml:"file"` // empty: the copy of configs/areas.yaml built into the binary
}

// HTTP configures the listener.
type HTTP struct {
	Addr            string        `yaml:"addr"`
	ReadTimeout     time.Duration `yaml:"read_timeout"`
	WriteTimeout    time.Duration `yaml:"write_timeout"`
	IdleTimeout     time.Duration `yaml:"idle_timeout"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	BodyLimitMB     int           `yaml:"body_limit_mb"`
	SecureCookies   bool          `yaml:"secure_cookies"`
	TrustedProxies  []string      `yaml:"trusted_proxies"`
}

// Log configures slog output.
type Log struct {
	Format string `yaml:"format"`
	Level  string `yaml:"level"`
}

// Database configures the GORM connection.
type Database struct {
	Driver          string        `yaml:"driver"`
	DSN             string        `yaml:"dsn"`
	MaxOpenConns    int           `yaml:"max_open_conns"`
	MaxIdleConns    int           `yaml:"max_idle_conns"`
	ConnMaxLifetime time.Duration `yaml:"conn_max_lifetime"`
	BusyTimeout     time.Duration `yaml:"busy_timeout"`
}

// Blob selects and configures the object store.
type Blob struct {
	Backend   string        `yaml:"backend"`
	LocalRoot string        `yaml:"local_root"`
	Timeout   time.Duration `yaml:"timeout"`
}

// MinIO configures the minio backend.
type MinIO struct {
	Endpoint  string `yaml:"endpoint"`
	AccessKey string `yaml:"access_key"`
	SecretKey string `yaml:"secret_key"`
	Bucket    string `yaml:"bucket"`
	Secure    bool   `yaml:"secure"`
	Region    string `yaml:"region"`
}

// Uploads limits attachment sizes per kind.
type Uploads struct {
	PlanMaxMB   int           `yaml:"plan_max_mb"`
	RosterMaxMB int           `yaml:"roster_max_mb"`
	SweepGrace  time.Duration `yaml:"sweep_grace"`
}

// Rules locates the rule files.
type Rules struct {
	Dir   string `yaml:"dir"`
	Watch bool   `yaml:"watch"`
}

// Data locates the personal-data key.
type Data struct {
	Dir string `yaml:"dir"`
	Key string `yaml:"key"`
	// KeyFile is where a generated key is kept when Key is empty; empty
	// means fugong/data.key in the user's configuration directory, outside
	// the data directory, so a backup of the data is not also its key.
	KeyFile string `yaml:"key_file"`
}

// Auth configures sessions and login throttling.
type Auth struct {
	SessionIdleTimeout time.Duration `yaml:"session_idle_timeout"`
	SessionMaxAge      time.Duration `yaml:"session_max_age"`
	LoginMaxFailures   int           `yaml:"login_max_failures"`
	LoginWindow        time.Duration `yaml:"login_window"`
	ActivationCodeTTL  time.Duration `yaml:"activation_code_ttl"`
	// APITokenTTL is the lifetime of a new API token (a request may ask
	// for less, never more).
	APITokenTTL time.Duration `yaml:"api_token_ttl"`
}

// Default returns the embedded defaults of configs/fugong.yaml. It panics
// only if the embedded file is broken, which a test rules out.
func Default() Config {
	var c Config
	if err := decode(configs.DefaultYAML, &c); err != nil {
		panic("embedded configs/fugong.yaml: " + err.Error())
	}
	return c
}

// Load returns the defaults overlaid with the file at path (when path is not
// empty) and then with the FUGONG_* variables found by getenv, validated. Its
// error is one line naming the file or setting at fault.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return c, fmt.Errorf("config: %w", err)
		}
		if err := decode(b, &c); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&c, getenv); err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}

func decode(b []byte, c *Config) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		// yaml's messages span lines; a start-up error is one line.
		return errors.New(strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return nil
}

// envVar binds one FUGONG_* variable to a setting.
type envVar struct {
	name string
	set  func(c *Config, v string) error
}

func str(p func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func num(p func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("not a whole number: %q", v)
		}
		*p(c) = n
		return nil
	}
}

func boolean(p func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("not true or false: %q", v)
		}
		*p(c) = b
		return nil
	}
}

func duration(p func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("not a duration like 30s or 5m: %q", v)
		}
		*p(c) = d
		return nil
	}
}

var envVars = []envVar{
	{"FUGONG_HTTP_ADDR", str(func(c *Config) *string { return &c.HTTP.Addr })},
	{"FUGONG_HTTP_READ_TIMEOUT", duration(func(c *Config) *time.Duration { return &c.HTTP.ReadTimeout })},
	{"FUGONG_HTTP_WRITE_TIMEOUT", duration(func(c *Config) *time.Duration { return &c.HTTP.WriteTimeout })},
	{"FUGONG_HTTP_SHUTDOWN_TIMEOUT", duration(func(c *Config) *time.Duration { return &c.HTTP.ShutdownTimeout })},
	{"FUGONG_HTTP_BODY_LIMIT_MB", num(func(c *Config) *int { return &c.HTTP.BodyLimitMB })},
	{"FUGONG_HTTP_SECURE_COOKIES", boolean(func(c *Config) *bool { return &c.HTTP.SecureCookies })},
	{"FUGONG_HTTP_TRUSTED_PROXIES", func(c *Config, v string) error {
		c.HTTP.TrustedProxies = nil
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.HTTP.TrustedProxies = append(c.HTTP.TrustedProxies, p)
			}
		}
		return nil
	}},
	{"FUGONG_LOG_FORMAT", str(func(c *Config) *string { return &c.Log.Format })},
	{"FUGONG_LOG_LEVEL", str(func(c *Config) *string { return &c.Log.Level })},
	{"FUGONG_DATABASE_DRIVER", str(func(c *Config) *string { return &c.Database.Driver })},
	{"FUGONG_DATABASE_DSN", str(func(c *Config) *string { return &c.Database.DSN })},
	{"FUGONG_DATABASE_MAX_OPEN_CONNS", num(func(c *Config) *int { return &c.Database.MaxOpenConns })},
	{"FUGONG_DATABASE_MAX_IDLE_CONNS", num(func(c *Config) *int { return &c.Database.MaxIdleConns })},
	{"FUGONG_DATABASE_CONN_MAX_LIFETIME", duration(func(c *Config) *time.Duration { return &c.Database.ConnMaxLifetime })},
	{"FUGONG_BLOB_BACKEND", str(func(c *Config) *string { return &c.Blob.Backend })},
	{"FUGONG_BLOB_LOCAL_ROOT", str(func(c *Config) *string { return &c.Blob.LocalRoot })},
	{"FUGONG_BLOB_TIMEOUT", duration(func(c *Config) *time.Duration { return &c.Blob.Timeout })},
	{"FUGONG_MINIO_ENDPOINT", str(func(c *Config) *string { return &c.MinIO.Endpoint })},
	{"FUGONG_MINIO_ACCESS_KEY", str(func(c *Config) *string { return &c.MinIO.AccessKey })},
	{"FUGONG_MINIO_SECRET_KEY", str(func(c *Config) *string { return &c.MinIO.SecretKey })},
	{"FUGONG_MINIO_BUCKET", str(func(c *Config) *string { return &c.MinIO.Bucket })},
	{"FUGONG_MINIO_SECURE", boolean(func(c *Config) *bool { return &c.MinIO.Secure })},
	{"FUGONG_MINIO_REGION", str(func(c *Config) *string { return &c.MinIO.Region })},
	{"FUGONG_UPLOADS_PLAN_MAX_MB", num(func(c *Config) *int { return &c.Uploads.PlanMaxMB })},
	{"FUGONG_UPLOADS_ROSTER_MAX_MB", num(func(c *Config) *int { return &c.Uploads.RosterMaxMB })},
	{"FUGONG_RULES_DIR", str(func(c *Config) *string { return &c.Rules.Dir })},
	{"FUGONG_RULES_WATCH", boolean(func(c *Config) *bool { return &c.Rules.Watch })},
	{"FUGONG_DATA_DIR", str(func(c *Config) *string { return &c.Data.Dir })},
	{"FUGONG_DATA_KEY", str(func(c *Config) *string { return &c.Data.Key })},
	{"FUGONG_DATA_KEY_FILE", str(func(c *Config) *string { return &c.Data.KeyFile })},
	{"FUGONG_AREAS_FILE", str(func(c *Config) *string { return &c.Areas.File })},
	{"FUGONG_REPORTS_FILE", str(func(c *Config) *string { return &c.Reports.File })},
	{"FUGONG_DAILY_FILE", str(func(c *Config) *string { return &c.Daily.File })},
	{"FUGONG_AUTH_SESSION_IDLE_TIMEOUT", duration(func(c *Config) *time.Duration { return &c.Auth.SessionIdleTimeout })},
	{"FUGONG_AUTH_SESSION_MAX_AGE", duration(func(c *Config) *time.Duration { return &c.Auth.SessionMaxAge })},
	{"FUGONG_AUTH_ACTIVATION_CODE_TTL", duration(func(c *Config) *time.Duration { return &c.Auth.ActivationCodeTTL })},
	{"FUGONG_AUTH_API_TOKEN_TTL", duration(func(c *Config) *time.Duration { return &c.Auth.APITokenTTL })},
}

// EnvNames lists every FUGONG_* variable Load reads, for documentation tests.
func EnvNames() []string {
	names := make([]string, len(envVars))
	for i, e := range envVars {
		names[i] = e.name
	}
	return names
}

func applyEnv(c *Config, getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	for _, e := range envVars {
		v := getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(c, v); err != nil {
			return fmt.Errorf("config: %s: %w", e.name, err)
		}
	}
	return nil
}

// Validate reports the first setting that cannot work, naming it.
func (c Config) Validate() error {
	bad := func(setting, format string, args ...any) error {
		return fmt.Errorf("config: %s: %s", setting, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(c.HTTP.Addr) == "" {
		return bad("http.addr", "must not be empty (e.g. :8080)")
	}
	if c.HTTP.BodyLimitMB <= 0 {
		return bad("http.body_limit_mb", "must be positive, got %d", c.HTTP.BodyLimitMB)
	}
	for name, d := range map[string]time.Duration{
		"http.read_timeout": c.HTTP.ReadTimeout, "http.write_timeout": c.HTTP.WriteTimeout,
		"http.shutdown_timeout": c.HTTP.ShutdownTimeout, "blob.timeout": c.Blob.Timeout,
		"auth.session_idle_timeout": c.Auth.SessionIdleTimeout, "auth.session_max_age": c.Auth.SessionMaxAge,
	} {
		if d <= 0 {
			return bad(name, "must be a positive duration, got %s", d)
		}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		return bad("log.format", "must be text or json, got %q", c.Log.Format)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return bad("log.level", "must be debug, info, warn or error, got %q", c.Log.Level)
	}
	switch c.Database.Driver {
	case "sqlite", "mysql":
	default:
		return bad("database.driver", "must be sqlite or mysql, got %q", c.Database.Driver)
	}
	if strings.TrimSpace(c.Database.DSN) == "" {
		return bad("database.dsn", "must not be empty")
	}
	if c.Database.MaxOpenConns <= 0 {
		return bad("database.max_open_conns", "must be positive, got %d", c.Database.MaxOpenConns)
	}
	if c.Database.MaxIdleConns < 0 || c.Database.MaxIdleConns > c.Database.MaxOpenConns {
		return bad("database.max_idle_conns", "must be between 0 and max_open_conns (%d), got %d", c.Database.MaxOpenConns, c.Database.MaxIdleConns)
	}
	switch c.Blob.Backend {
	case "local":
		if strings.TrimSpace(c.Blob.LocalRoot) == "" {
			return bad("blob.local_root", "must not be empty when blob.backend is local")
		}
	case "minio":
		if c.MinIO.Endpoint == "" {
			return bad("minio.endpoint", "must be set when blob.backend is minio (FUGONG_MINIO_ENDPOINT)")
		}
		if strings.Contains(c.MinIO.Endpoint, "://") {
			return bad("minio.endpoint", "is host:port without a scheme, got %q (use minio.secure for HTTPS)", c.MinIO.Endpoint)
		}
		if c.MinIO.AccessKey == "" || c.MinIO.SecretKey == "" {
			return bad("minio.access_key", "and minio.secret_key must be set when blob.backend is minio")
		}
		if c.MinIO.Bucket == "" {
			return bad("minio.bucket", "must not be empty")
		}
	default:
		return bad("blob.backend", "must be local or minio, got %q", c.Blob.Backend)
	}
	if c.Uploads.PlanMaxMB <= 0 || c.Uploads.RosterMaxMB <= 0 {
		return bad("uploads", "plan_max_mb and roster_max_mb must be positive")
	}
	if c.Uploads.PlanMaxMB >= c.HTTP.BodyLimitMB || c.Uploads.RosterMaxMB >= c.HTTP.BodyLimitMB {
		return bad("http.body_limit_mb", "(%d) must exceed uploads.plan_max_mb and uploads.roster_max_mb", c.HTTP.BodyLimitMB)
	}
	if strings.TrimSpace(c.Rules.Dir) == "" {
		return bad("rules.dir", "must not be empty")
	}
	if strings.TrimSpace(c.Data.Dir) == "" {
		return bad("data.dir", "must not be empty")
	}
	if c.Auth.LoginMaxFailures <= 0 || c.Auth.LoginWindow <= 0 {
		return bad("auth.login_max_failures", "and auth.login_window must be positive")
	}
	seen := map[string]bool{}
	for i, w := range c.Webhooks {
		if w.Name == "" || seen[w.Name] {
			return bad(fmt.Sprintf("webhooks[%d].name", i), "must be set and unique")
		}
		seen[w.Name] = true
		if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") {
			return bad(fmt.Sprintf("webhooks[%d].url", i), "must be an http(s) URL, got %q", w.URL)
		}
		if len(w.Secret) < 16 {
			return bad(fmt.Sprintf("webhooks[%d].secret", i), "must be at least 16 characters")
		}
	}
	for i, p := range c.HTTP.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				return bad(fmt.Sprintf("http.trusted_proxies[%d]", i), "must be an IP address or CIDR prefix, got %q", p)
			}
		}
	}
	if c.Auth.APITokenTTL <= 0 {
		return bad("auth.api_token_ttl", "must be positive")
	}
	if c.Auth.ActivationCodeTTL <= 0 {
		return bad("auth.activation_code_ttl", "must be positive")
	}
	return nil
}
