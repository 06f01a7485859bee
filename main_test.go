package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

func envMap(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// runWith is main without the process: the configuration from env, the log to w.
func runWith(ctx, hurry context.Context, env map[string]string, args []string, w io.Writer) error {
	cfg, err := loadConfig(envMap(env))
	if err != nil {
		return err
	}
	return run(ctx, hurry, cfg, newLogger(w, cfg), args)
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":3000" || cfg.DatabaseURL != "" || cfg.RedisURL != "" || !cfg.Development || cfg.CookieSecure || !cfg.SeedDemo || !cfg.Workers {
		t.Fatalf("embedded default: %+v", cfg)
	}
	if cfg.SessionIdleTimeout != 30*time.Minute || cfg.SessionMaxLifetime != 12*time.Hour {
		t.Fatalf("session limits %v / %v", cfg.SessionIdleTimeout, cfg.SessionMaxLifetime)
	}
	if cfg.PasswordResetTTL != time.Hour {
		t.Fatalf("password reset links last %v, want 1h", cfg.PasswordResetTTL)
	}
	if cfg.Throttle.ForgotPerIP != (services.ThrottleRule{Limit: 10, Window: 15 * time.Minute}) ||
		cfg.Throttle.ForgotPerEmail != (services.ThrottleRule{Limit: 5, Window: time.Hour}) {
		t.Fatalf("forgot-password limits %+v / %+v", cfg.Throttle.ForgotPerIP, cfg.Throttle.ForgotPerEmail)
	}
	if cfg.RequestTimeout != 1500*time.Millisecond || cfg.ReadTimeout != 10*time.Second ||
		cfg.WriteTimeout != 15*time.Second || cfg.IdleTimeout != 60*time.Second {
		t.Fatalf("timeouts: request %v read %v write %v idle %v", cfg.RequestTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout)
	}
}

func TestLoadConfigProduction(t *testing.T) {
	cfg, err := loadConfig(envMap(map[string]string{
		"DATABASE_URL": "postgres://db/shop", "REDIS_URL": "redis://cache:6379/0", "PORT": "8080",
		"SESSION_IDLE_TIMEOUT": "2s", "SESSION_MAX_LIFETIME": "5s", "LOGIN_IP_LIMIT": "3/1m",
		"PASSWORD_RESET_TTL": "20m", "FORGOT_IP_LIMIT": "4/2m", "FORGOT_EMAIL_LIMIT": "2/30m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.Development || !cfg.CookieSecure || cfg.SeedDemo {
		t.Fatalf("production: %+v", cfg)
	}
	if cfg.SessionIdleTimeout != 2*time.Second || cfg.SessionMaxLifetime != 5*time.Second || cfg.Throttle.LoginPerIP.Limit != 3 ||
		cfg.PasswordResetTTL != 20*time.Minute ||
		cfg.Throttle.ForgotPerIP != (services.ThrottleRule{Limit: 4, Window: 2 * time.Minute}) ||
		cfg.Throttle.ForgotPerEmail != (services.ThrottleRule{Limit: 2, Window: 30 * time.Minute}) {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
	cfg, _ = loadConfig(envMap(map[string]string{"DATABASE_URL": "postgres://db/shop", "COOKIE_SECURE": "false", "ADDR": "127.0.0.1:9", "WORKERS": "false"}))
	if cfg.CookieSecure || cfg.Addr != "127.0.0.1:9" || cfg.Workers {
		t.Fatalf("COOKIE_SECURE=false / ADDR / WORKERS=false ignored: %+v", cfg)
	}
}

func TestLoadConfigRefusesBadValues(t *testing.T) {
	for k, v := range map[string]string{
		"SESSION_IDLE_TIMEOUT": "soon", "COOKIE_SECURE": "maybe", "APP_ENV": "staging", "PASSWORD_RESET_TTL": "0s",
		"LOGIN_IP_LIMIT": "ten", "REDIS_URL": "localhost:6379", "LOG_LEVEL": "loud",
		"REQUEST_TIMEOUT": "0s", "READ_TIMEOUT": "-1s", "IDLE_TIMEOUT": "forever", "SHUTDOWN_DRAIN": "-1s",
		"PORT": "abc", "ADDR": "localhost",
		"LOGIN_DEVICE_LIMIT": "5", "PROXY_HEADER": "X-Client-IP", "TRUSTED_PROXIES": "10.0.0.1,proxy.internal",
		"WORKERS": "sometimes",
	} {
		if _, err := loadConfig(envMap(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: error %v, want one naming %s", k, v, err, k)
		}
	}
	for _, port := range []string{"0", "65536", "-1", "80a", "3000.5"} {
		if _, err := loadConfig(envMap(map[string]string{"PORT": port})); err == nil || !strings.Contains(err.Error(), "PORT") {
			t.Errorf("PORT=%q: error %v, want one naming PORT", port, err)
		}
	}
	if _, err := loadConfig(envMap(map[string]string{"PORT": "abc", "ADDR": "127.0.0.1:0"})); err != nil {
		t.Errorf("PORT is ignored when ADDR is set, yet: %v", err)
	}
}

// A SQLite file in a directory that does not exist would make the app retry
// its migrations forever: start-up stops with a message instead. Other
// schemes are refused without echoing a password.
func TestLoadConfigRefusesUnusableDatabase(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "shop.db")
	for _, url := range []string{missing, "file:" + missing + "?cache=shared"} {
		_, err := loadConfig(envMap(map[string]string{"DATABASE_URL": url}))
		if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("DATABASE_URL=%s: error %v, want one saying the directory does not exist", url, err)
		}
	}
	_, err := loadConfig(envMap(map[string]string{"DATABASE_URL": "mysql://shop:s3cret@db/shop"}))
	if err == nil || !strings.Contains(err.Error(), "postgres://") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("DATABASE_URL=mysql://…: error %v, want one naming postgres:// and hiding the password", err)
	}
	for _, ok := range []string{"shop.db", filepath.Join(t.TempDir(), "shop.db"), "file::memory:", "file:x?mode=memory"} {
		if _, err := loadConfig(envMap(map[string]string{"DATABASE_URL": ok})); err != nil {
			t.Errorf("DATABASE_URL=%s: %v", ok, err)
		}
	}
}

// APP_ENV decides the mode; without it, PostgreSQL means production and any
// SQLite file (the default one or another) development.
func TestLoadConfigAppEnv(t *testing.T) {
	dbFile := filepath.Join(t.TempDir(), "shop.db")
	for _, tc := range []struct {
		env         map[string]string
		development bool
	}{
		{map[string]string{}, true},
		{map[string]string{"DATABASE_URL": dbFile}, true},
		{map[string]string{"DATABASE_URL": dbFile, "APP_ENV": "production"}, false},
		{map[string]string{"DATABASE_URL": "postgres://db/shop"}, false},
		{map[string]string{"DATABASE_URL": "postgresql://db/shop"}, false},
		{map[string]string{"DATABASE_URL": "postgres://db/shop", "APP_ENV": "development"}, true},
	} {
		cfg, err := loadConfig(envMap(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Development != tc.development || cfg.CookieSecure == tc.development {
			t.Errorf("%v: development %v, Secure cookies %v; want development %v", tc.env, cfg.Development, cfg.CookieSecure, tc.development)
		}
	}
}

func TestBrowserURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:3000": "http://localhost:3000", "0.0.0.0:8080": "http://localhost:8080",
		"127.0.0.1:3000": "http://127.0.0.1:3000", "[::1]:3000": "http://[::1]:3000", "192.0.2.7:80": "http://192.0.2.7:80",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := browserURL(tcp); got != want {
			t.Errorf("browserURL(%s) = %s, want %s", addr, got, want)
		}
	}
}

// Durations in the JSON log read as durations ("250ms"), not nanoseconds: here
// the retry delay while the database is down.
func TestLogDurationsReadable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	logR, logW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, context.Background(), map[string]string{
			"ADDR": "127.0.0.1:0", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=1",
		}, nil, logW)
		logW.Close()
	}()
	retry := make(chan map[string]any, 1)
	go func() {
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			var rec map[string]any
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec["msg"] == "database not ready; retrying" {
				select {
				case retry <- rec:
				default:
				}
			}
		}
	}()
	select {
	case rec := <-retry:
		if rec["in"] != "250ms" {
			t.Errorf("retry delay logged as %#v, want \"250ms\"", rec["in"])
		}
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no retry line within 30 s with the database down")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancellation: %v", err)
	}
}

// Item 4 of issue 8: PROXY_HEADER names one of the headers proxies really set,
// in any case; TRUSTED_PROXIES are addresses or CIDR blocks.
func TestLoadConfigProxySettings(t *testing.T) {
	cfg, err := loadConfig(envMap(map[string]string{
		"PROXY_HEADER": "x-forwarded-for", "TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32", "LOGIN_DEVICE_LIMIT": "4/10m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ProxyHeader != "X-Forwarded-For" || strings.Join(cfg.TrustedProxies, " ") != "10.0.0.0/8 192.0.2.7 2001:db8::/32" {
		t.Fatalf("proxy settings: header %q, proxies %q", cfg.ProxyHeader, cfg.TrustedProxies)
	}
	if cfg.Throttle.LoginPerDevice.Limit != 4 || cfg.Throttle.LoginPerDevice.Window != 10*time.Minute {
		t.Fatalf("LOGIN_DEVICE_LIMIT: %+v", cfg.Throttle.LoginPerDevice)
	}
	if cfg, _ := loadConfig(envMap(nil)); cfg.ProxyHeader != "X-Real-IP" {
		t.Fatalf("default proxy header %q", cfg.ProxyHeader)
	}
	for _, h := range []string{"X-Real-IP", "X-Forwarded-For", "CF-Connecting-IP", "True-Client-IP", "Forwarded"} {
		if cfg, err := loadConfig(envMap(map[string]string{"PROXY_HEADER": strings.ToLower(h)})); err != nil || cfg.ProxyHeader != h {
			t.Errorf("PROXY_HEADER=%s: %q, %v", strings.ToLower(h), cfg.ProxyHeader, err)
		}
	}
	for _, bad := range []string{"Host", "Cookie", "X-Forwarded-Host", "X-Real-IP, X-Forwarded-For"} {
		if _, err := loadConfig(envMap(map[string]string{"PROXY_HEADER": bad})); err == nil {
			t.Errorf("PROXY_HEADER=%q accepted", bad)
		}
	}
	for _, bad := range []string{"10.0.0.0/33", "localhost", "fe80::1%eth0", "10.0.0.1-10.0.0.9"} {
		if _, err := loadConfig(envMap(map[string]string{"TRUSTED_PROXIES": bad})); err == nil {
			t.Errorf("TRUSTED_PROXIES=%q accepted", bad)
		}
	}
}

// TestRunEmbeddedDefault is `go run .` on a machine with nothing but Go: it must
// create and migrate the SQLite file and serve demo products.
func TestRunEmbeddedDefault(t *testing.T) {
	dir := t.TempDir()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })

	ctx, cancel := context.WithCancel(context.Background())
	logR, logW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runWith(ctx, context.Background(), map[string]string{"ADDR": "127.0.0.1:0"}, nil, logW)
	}()

	// The listening line comes at once; the ready line with the address to click
	// only after the migrations.
	addr, ready := make(chan string, 1), make(chan string, 1)
	migratedFirst := false
	go func() {
		listening := regexp.MustCompile(`msg="storefront listening" addr=(\S+) url=http://(\S+) `)
		readyAt := regexp.MustCompile(`msg="storefront ready" url=(\S+)`)
		migrated := false
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			migrated = migrated || strings.Contains(sc.Text(), `msg="migrations applied"`)
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && m[1] == m[2] {
				addr <- m[1]
			}
			if m := readyAt.FindStringSubmatch(sc.Text()); m != nil {
				migratedFirst = migrated
				ready <- m[1]
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("run ended early: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("no listening line within 30s")
	}

	// Demo products appear once the background migration and seeding finish.
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		resp, err := http.Get(base + "/products")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
			if resp.StatusCode == http.StatusOK && strings.Contains(body, "Walnut serving board") {
				break
			}
		}
		time.Sleep(50 * time.Millisecond) // polling interval of a bounded wait, not synchronisation by sleep
	}
	if !strings.Contains(body, "Walnut serving board") {
		t.Fatalf("demo products not served:\n%.1000s", body)
	}
	select {
	case url := <-ready:
		if url != base {
			t.Errorf("ready line says %s, want %s", url, base)
		}
		if !migratedFirst {
			t.Errorf("ready line logged before the migrations were applied")
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no \"storefront ready\" line with the URL although pages are served")
	}
	if _, err := os.Stat("storefront.db"); err != nil {
		t.Fatalf("SQLite file not created in the working directory: %v", err)
	}
	// The job queue's tables are migrated with the app's, on the embedded file too.
	db, err := services.OpenDB("storefront.db")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.NewSelect().TableExpr("river_job").Count(context.Background()); err != nil {
		t.Fatalf("no job queue in the embedded database: %v", err)
	}
	// The housekeeping job is queued as the workers start, not an hour later.
	var housekeeping int64
	for deadline := time.Now().Add(30 * time.Second); housekeeping == 0 && time.Now().Before(deadline); {
		housekeeping, err = db.NewSelect().TableExpr("river_job").Where("kind = ?", services.Housekeeping{}.Kind()).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if housekeeping == 0 {
			time.Sleep(50 * time.Millisecond) // polling interval of a bounded wait
		}
	}
	if housekeeping == 0 {
		t.Errorf("no housekeeping job queued within 30s of start")
	}
	// Files and mail on their embedded defaults: ./data/files, and the outbox listed.
	if st, err := os.Stat(filepath.Join("data", services.BlobDir)); err != nil || !st.IsDir() {
		t.Fatalf("file store directory not created under ./data: %v", err)
	}
	if resp, err := http.Get(base + "/dev/mail"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /dev/mail in development: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancellation")
	}
	logW.Close()
}

func TestRunUnknownCommand(t *testing.T) {
	err := runWith(context.Background(), context.Background(), map[string]string{"DATABASE_URL": t.TempDir() + "/x.db"}, []string{"frobnicate"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("err = %v", err)
	}
}

func TestRunMigrateCommand(t *testing.T) {
	dbFile := t.TempDir() + "/shop.db"
	if err := runWith(context.Background(), context.Background(), map[string]string{"DATABASE_URL": dbFile}, []string{"migrate"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dbFile); err != nil || st.Size() == 0 {
		t.Fatalf("migrate did not create the database: %v", err)
	}
}
